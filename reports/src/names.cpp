#include "orphancheck/reports/report.hpp"

namespace orphancheck::reports {

std::string_view verdict_name(checker::Verdict v) {
    switch (v) {
        case checker::Verdict::pass: return "pass";
        case checker::Verdict::fail: return "fail";
        case checker::Verdict::incomplete: return "incomplete";
    }
    return "?";
}

std::string_view status_name(checker::Status s) {
    switch (s) {
        case checker::Status::holds: return "holds";
        case checker::Status::violated: return "violated";
        case checker::Status::unknown: return "unknown";
    }
    return "?";
}

}  // namespace orphancheck::reports
