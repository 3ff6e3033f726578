#pragma once

#include <string>

#include "iptables/rule_set.h"

namespace remora::iptables {

// Renders the input for one `iptables-restore --noflush` transaction that turns the nat table's
// `current` owned rules (from parseSavedNat) into `desired`. The kernel applies a restore
// transaction as a whole, so the table is never seen half-updated:
//   - every desired chain is declared, which creates it or (with --noflush) flushes it;
//   - every existing jump to one of our chains is deleted, then the desired jumps are appended,
//     so re-running never duplicates a jump;
//   - owned chains that are no longer wanted are flushed and deleted.
// With an empty `current` this is also the --dry-run output and the golden-file text.
std::string renderInstallScript(const RuleSet& desired, const RuleSet& current = {});

// A transaction that removes every owned chain and jump in `current` and nothing else.
// Returns "" when there is nothing to remove.
std::string renderCleanupScript(const RuleSet& current);

} // namespace remora::iptables
