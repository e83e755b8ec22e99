"""Counts test results in Meson's testlog.json files (one or more, summed): a
TAP test counts each of its "ok"/"not ok" lines, any other test counts once.
Prints "N passed, N failed"."""
import json
import re
import sys

passed = failed = 0
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as log:
        for line in log:
            test = json.loads(line)
            tap = re.findall(r"^(ok|not ok) \d+", test.get("stdout", ""), re.MULTILINE)
            if tap:
                passed += tap.count("ok")
                failed += tap.count("not ok")
                if test["result"] not in ("OK", "EXPECTEDFAIL") and "not ok" not in tap:
                    failed += 1  # crashed or timed out after its last reported case
            elif test["result"] in ("OK", "EXPECTEDFAIL", "SKIP"):
                passed += 1
            else:
                failed += 1
print(f"{passed} passed, {failed} failed")
