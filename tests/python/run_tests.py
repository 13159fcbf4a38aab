"""Runs every tests/python/test_*.py with unittest and prints one JSON line per test, so the npm test
summary counts each Python test (tests/unit/pythonModelData.test.ts reads these lines).

  /usr/bin/python3 tests/python/run_tests.py     # {"test": "...", "status": "ok|fail|error|skipped", "detail": "..."}
"""
import json
import sys
import unittest
from pathlib import Path


class JsonLinesResult(unittest.TestResult):
    def _emit(self, test, status, detail=""):
        print(json.dumps({"test": test.id(), "status": status, "detail": detail}), flush=True)

    def addSuccess(self, test):
        super().addSuccess(test)
        self._emit(test, "ok")

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._emit(test, "fail", self._exc_info_to_string(err, test))

    def addError(self, test, err):
        super().addError(test, err)
        self._emit(test, "error", self._exc_info_to_string(err, test))

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._emit(test, "skipped", reason)

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self._emit(test, "ok", "expected failure")

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._emit(test, "fail", "unexpected success")


def main() -> int:
    here = Path(__file__).resolve().parent
    suite = unittest.defaultTestLoader.discover(str(here), pattern="test_*.py", top_level_dir=str(here))
    result = JsonLinesResult()
    suite.run(result)
    # A module that failed to import shows up as an error of a _FailedTest, which is emitted above.
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
