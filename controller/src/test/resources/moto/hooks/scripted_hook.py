"""A lifecycle hook function for the integration tests, run by the moto launcher.

Answers what the file named by hookDetails.answerFile says: SUCCEEDED, FAILED or IN_PROGRESS
(with callBackDelay 1 and hookDetails {"asked": how many times it was asked in a row}), RAISE to
fail with an exception, anything else as given (an invalid hookStatus). Appends every event it
receives, as one JSON line, to the file named by hookDetails.eventsFile, so a test reads what ECS
sent.
"""

import json


def handler(event, context):
    details = event.get("hookDetails") or {}
    with open(details["eventsFile"], "a", encoding="utf-8") as events:
        events.write(json.dumps(event) + "\n")
    with open(details["answerFile"], encoding="utf-8") as answer_file:
        answer = answer_file.read().strip()
    if answer == "RAISE":
        raise RuntimeError("the scripted hook was told to fail")
    asked = int(details.get("asked", "0")) + 1
    return {"hookStatus": answer, "callBackDelay": 1, "hookDetails": {"asked": str(asked)}}
