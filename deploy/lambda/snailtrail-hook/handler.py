"""Snail Trail's lifecycle hook for ECS deployments: the dead-man's switch.

ECS calls this function at the lifecycle stages a rollout under `traffic: {mode: ecs}` configures
(POST_TEST_TRAFFIC_SHIFT and POST_PRODUCTION_TRAFFIC_SHIFT). It reads the controller's verdict on
the deployment from the shared store's DynamoDB table (the rollout's row, `pk=rollout#NAME`,
`sk=row`: `hookVerdict`, `hookVerdictAt`, `hookDeployment`) and answers ECS. A verdict the
controller has not confirmed for `silenceSeconds` counts as FAILED, so a controller that dies
mid-deployment leaves ECS to roll back by itself. README.md beside this file has the contract.

Python 3.12 and boto3 only (the Lambda runtime's own). Environment:
  SNAILTRAIL_TABLE               the store's table (required)
  SNAILTRAIL_DYNAMODB_ENDPOINT   another DynamoDB endpoint (tests); the region is the Lambda's
"""

import json
import os
import time

HOLD_STAGE = "POST_PRODUCTION_TRAFFIC_SHIFT"
DEFAULT_SILENCE = 120
VERDICTS = ("ANALYSING", "SUCCEEDED", "FAILED")
ATTRIBUTES = ("hookVerdict", "hookVerdictAt", "hookDeployment")

_client = None


def handler(event, context):
    """Answers one ECS lifecycle hook invocation with hookStatus, callBackDelay and hookDetails."""
    now = int(time.time())
    event = event if isinstance(event, dict) else {}
    details = event.get("hookDetails") if isinstance(event.get("hookDetails"), dict) else {}
    stage = _field(event, "lifecycleStage")
    resource_arn = _field(event, "resourceArn")
    rollout = details.get("rollout")
    try:
        verdict = read_verdict(rollout) if rollout else None
    except Exception as e:  # any failure to read is the store's silence, not a verdict
        answer, reason = _no_word(
            details, now, "the store could not be read (%s)" % _describe(e)
        )
    else:
        answer, reason = _decide(stage, resource_arn, details, verdict, now)
        if not rollout:
            reason += "; hookDetails names no rollout: configure the hook with {\"rollout\": NAME}"
    print(
        json.dumps(
            {
                "rollout": rollout,
                "stage": stage,
                "deployment": resource_arn,
                "answer": answer,
                "reason": reason,
            },
            sort_keys=True,
        ),
        flush=True,
    )
    return answer


def decide(stage, resource_arn, hook_details, verdict, now):
    """The answer to ECS, from the hook's stage, the deployment it is about, the hookDetails ECS
    passed, the controller's verdict ({"verdict", "verdictAt", "deployment"} or None) and the time
    of the invocation (epoch seconds)."""
    return _decide(stage, resource_arn, hook_details, verdict, now)[0]


def _decide(stage, resource_arn, hook_details, verdict, now):
    details = hook_details if isinstance(hook_details, dict) else {}
    silence = _silence(details)
    if verdict is None:
        return _no_word(details, now, "no verdict from the controller")
    if verdict.get("verdict") not in VERDICTS:
        return _no_word(details, now, "an unknown verdict %r" % verdict.get("verdict"))
    if verdict.get("deployment") != resource_arn:
        return _no_word(
            details,
            now,
            "the controller's verdict is about deployment %s" % verdict.get("deployment"),
        )
    said = verdict["verdict"]
    if said == "FAILED":
        return _answer("FAILED"), "the controller says FAILED"
    quiet = now - int(verdict["verdictAt"])
    if quiet > silence:
        return _answer("FAILED"), "the controller has been silent for %d s" % quiet
    if said == "SUCCEEDED":
        return _answer("SUCCEEDED"), "the controller says SUCCEEDED"
    if stage == HOLD_STAGE:
        return (
            _waiting(details, silence, None),
            "the controller is analysing: all production traffic is on the new revision, held",
        )
    return _answer("SUCCEEDED"), "the controller is analysing; %s goes on" % stage


def _no_word(details, now, why):
    """No word on this deployment yet: wait for one up to the silence limit from the first call."""
    silence = _silence(details)
    first_seen = _epoch(details.get("firstSeen"), now)
    if now - first_seen > silence:
        return (
            _answer("FAILED"),
            "%s: no verdict from the controller for this deployment within %d s" % (why, silence),
        )
    return _waiting(details, silence, first_seen), "%s: waiting since %d" % (why, first_seen)


def _waiting(details, silence, first_seen):
    carried = {"silenceSeconds": str(silence)}
    if details.get("rollout") is not None:
        carried["rollout"] = str(details["rollout"])
    if first_seen is not None:
        carried["firstSeen"] = str(first_seen)
    return {
        "hookStatus": "IN_PROGRESS",
        "callBackDelay": max(5, min(30, silence // 4)),
        "hookDetails": carried,
    }


def _answer(status):
    return {"hookStatus": status}


def _silence(details):
    silence = _epoch(details.get("silenceSeconds"), DEFAULT_SILENCE)
    return silence if silence > 0 else DEFAULT_SILENCE


def _epoch(value, default):
    try:
        return int(float(value))
    except (TypeError, ValueError, OverflowError):
        return default


def _field(event, name):
    """A field of the event, at the top level or under executionDetails."""
    if event.get(name) is not None:
        return event[name]
    execution = event.get("executionDetails")
    return execution.get(name) if isinstance(execution, dict) else None


def read_verdict(rollout):
    """The rollout's verdict from the store ({"verdict", "verdictAt", "deployment"}), or None."""
    table = os.environ.get("SNAILTRAIL_TABLE")
    if not table:
        raise LookupError("SNAILTRAIL_TABLE is not set: name the store's table in the environment")
    item = (
        _dynamodb()
        .get_item(
            TableName=table,
            Key={"pk": {"S": "rollout#" + str(rollout)}, "sk": {"S": "row"}},
            ConsistentRead=True,
            ProjectionExpression=", ".join(ATTRIBUTES),
        )
        .get("Item")
    )
    if not item or "hookVerdict" not in item or "hookVerdictAt" not in item:
        return None
    return {
        "verdict": item["hookVerdict"]["S"],
        "verdictAt": int(float(item["hookVerdictAt"]["N"])),
        "deployment": item.get("hookDeployment", {}).get("S"),
    }


def _dynamodb():
    global _client
    if _client is None:
        import boto3
        from botocore.config import Config

        # One retry: ECS calls again after callBackDelay, and a store still down is silence.
        _client = boto3.client(
            "dynamodb",
            region_name=os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION"),
            endpoint_url=os.environ.get("SNAILTRAIL_DYNAMODB_ENDPOINT") or None,
            config=Config(
                connect_timeout=2, read_timeout=3, retries={"max_attempts": 2, "mode": "standard"}
            ),
        )
    return _client


def _describe(error):
    return "%s: %s" % (type(error).__name__, str(error)[:300])
