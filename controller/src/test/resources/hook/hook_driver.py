"""Runs deploy/lambda/snailtrail-hook/handler.py for the tests.

  hook_driver.py HANDLER cases CASES_JSON   decide() on every case; prints [{name, answer}] as JSON
  hook_driver.py HANDLER invoke             handler() on the event read from stdin; prints the
                                            handler's own log line, then "ANSWER " and the answer
"""

import importlib.util
import json
import sys


def load(path):
    spec = importlib.util.spec_from_file_location("snailtrail_hook", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv):
    hook = load(argv[1])
    if argv[2] == "cases":
        with open(argv[3], encoding="utf-8") as f:
            cases = json.load(f)
        answers = [
            {
                "name": c["name"],
                "answer": hook.decide(
                    c["stage"], c["resourceArn"], c["hookDetails"], c["verdict"], c["now"]
                ),
            }
            for c in cases
        ]
        print(json.dumps(answers))
    elif argv[2] == "invoke":
        answer = hook.handler(json.load(sys.stdin), None)
        print("ANSWER " + json.dumps(answer), flush=True)
    else:
        sys.exit("unknown mode " + argv[2] + ": cases or invoke")


if __name__ == "__main__":
    main(sys.argv)
