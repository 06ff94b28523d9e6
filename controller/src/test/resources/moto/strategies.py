"""ECS's native blue/green, linear and canary deployments and service deployments, for launcher.py.

moto 5.2.1 keeps a service's deploymentConfiguration but does nothing with its strategy, and has
no service deployments at all. This module adds them the way ECS runs them (see launcher.py's
docstring for the whole behaviour and its settings):

* every deployment the launcher opens is a service deployment with an ARN
  (arn:aws:ecs:REGION:ACCOUNT:service-deployment/CLUSTER/SERVICE/ID), which the service names as
  currentServiceDeployment; DescribeServiceDeployments, ListServiceDeployments and
  StopServiceDeployment answer for it;
* under BLUE_GREEN, LINEAR or CANARY an UpdateService to a new task definition starts the new
  revision (green) beside the old (blue), walks the lifecycle stages in time, steps the weights of
  each load balancer's productionListenerRule between the two target groups, invokes the
  lifecycle hooks at their stages (a Python module per function, SNAILTRAIL_MOTO_HOOKS), and ends
  SUCCESSFUL on green or rolls back to blue.

A background thread (start()) moves the deployments on; it holds the launcher's lock while it
changes them and never while a hook runs, so a hook may call this very server (DynamoDB, ECS).
"""

import copy
import datetime
import importlib.util
import os
import threading
import time
import traceback
import uuid

from moto.ecs.exceptions import ECSException
from moto.elbv2.models import elbv2_backends

STRATEGIES = ("BLUE_GREEN", "LINEAR", "CANARY")
# ECS bakes in minutes; here a minute lasts this many seconds, so tests are quick.
BAKE_SECONDS_PER_MINUTE = float(os.environ.get("SNAILTRAIL_MOTO_BAKE_SECONDS_PER_MINUTE", "1"))
# A cluster with this tag makes a minute of bake last the tag's value in seconds for its services'
# deployments instead, so one test can hold a step longer without slowing every other test down.
BAKE_SCALE_TAG = "snailtrail.moto/bake-seconds-per-minute"
# A hook's callBackDelay (seconds) is waited times this.
CALLBACK_SCALE = float(os.environ.get("SNAILTRAIL_MOTO_CALLBACK_SCALE", "0.1"))
# ECS asks an IN_PROGRESS hook again after this many seconds when it names no callBackDelay.
DEFAULT_CALLBACK_SECONDS = 30
TICK_SECONDS = 0.05
ANSWERS = ("SUCCEEDED", "FAILED", "IN_PROGRESS")


class _Env:
    """What the launcher lends this module: its lock, its task scheduler, its timings."""
    lock = None
    start_tasks = None  # (backend, service, task_definition_arn, count, started_by) -> [task]
    service_tasks = None  # (backend, service) -> [task]
    stop_task = None  # (task, reason)
    fails = None  # (backend, task_definition_arn) -> bool: its tasks never start
    reopen = None  # (backend, service) -> a new classic deployment of the service's task definition
    deploy_seconds = 2.0


_active = set()  # deployments the driver moves on
_hooks = {}  # function name -> module file, from SNAILTRAIL_MOTO_HOOKS
_modules = {}  # function name -> imported module


def _now():
    return datetime.datetime.now(datetime.timezone.utc)


def configure(lock, start_tasks, service_tasks, stop_task, fails, reopen, deploy_seconds):
    _Env.lock = lock
    _Env.start_tasks = start_tasks
    _Env.service_tasks = service_tasks
    _Env.stop_task = stop_task
    _Env.fails = fails
    _Env.reopen = reopen
    _Env.deploy_seconds = deploy_seconds
    for entry in os.environ.get("SNAILTRAIL_MOTO_HOOKS", "").split(","):
        if "=" in entry:
            name, path = entry.split("=", 1)
            _hooks[name.strip()] = path.strip()


def start():
    """Starts the thread that moves blue/green, linear and canary deployments on."""
    thread = threading.Thread(target=_drive, name="snailtrail-ecs-deployments", daemon=True)
    thread.start()


def _records(backend):
    """The backend's service deployments by ARN (gone with the backend when moto resets)."""
    records = getattr(backend, "_snailtrail_service_deployments", None)
    if records is None:
        records = backend._snailtrail_service_deployments = {}
    return records


def _config(service):
    return getattr(service, "deployment_configuration", None) or {}


def uses_strategy(service):
    return _config(service).get("strategy") in STRATEGIES


def active(service):
    """The blue/green, linear or canary deployment under way for the service, or None."""
    for d in list(_active):
        if d.service is service and d.status in ("PENDING", "IN_PROGRESS"):
            return d
    return None


def open_rolling(backend, service, classic):
    """A rolling deployment's service deployment: its status follows the classic deployment."""
    d = _Deployment(backend, service, classic, blue_td=None, green_td=service.task_definition)
    d.status = "IN_PROGRESS"
    d.started = d.created
    _records(backend)[d.arn] = d
    service.current_service_deployment = d.arn


def open_strategy(backend, service, classic, blue_td):
    """Starts a blue/green, linear or canary deployment of the service's new task definition."""
    previous = active(service)
    if previous is not None:
        blue_td = previous.blue_td
        previous.supersede()
    d = _Deployment(backend, service, classic, blue_td=blue_td, green_td=service.task_definition)
    d.plan = _plan(d.config, _bake_scale(backend, service))
    d.routing = _routing(service)
    _records(backend)[d.arn] = d
    service.current_service_deployment = d.arn
    _active.add(d)


def _bake_scale(backend, service):
    """Real seconds a minute of bake lasts for the service: its cluster's BAKE_SCALE_TAG, if any."""
    cluster = backend.clusters.get(service.cluster_name)
    for tag in (getattr(cluster, "tags", None) or []):
        if tag.get("key") == BAKE_SCALE_TAG:
            return float(tag.get("value"))
    return BAKE_SECONDS_PER_MINUTE


def _plan(config, scale):
    """The deployment's steps: (stage reported, action, argument); a minute of bake lasts scale s."""
    plan = []

    def hooks(stage, reported=None):
        plan.append((reported or stage, "hooks", stage))

    hooks("RECONCILE_SERVICE")
    hooks("PRE_SCALE_UP")
    plan.append(("SCALE_UP", "wait", _Env.deploy_seconds))
    plan.append(("SCALE_UP", "scale_up", None))
    hooks("POST_SCALE_UP")
    plan.append(("TEST_TRAFFIC_SHIFT", "shift_test", 100))
    hooks("TEST_TRAFFIC_SHIFT")
    hooks("POST_TEST_TRAFFIC_SHIFT")
    hooks("PRE_PRODUCTION_TRAFFIC_SHIFT", "PRODUCTION_TRAFFIC_SHIFT")
    weights, step_bake = _steps(config, scale)
    for i, weight in enumerate(weights):
        if i:
            plan.append(("PRODUCTION_TRAFFIC_SHIFT", "wait", step_bake))
        plan.append(("PRODUCTION_TRAFFIC_SHIFT", "shift_production", weight))
        hooks("PRODUCTION_TRAFFIC_SHIFT")
    hooks("POST_PRODUCTION_TRAFFIC_SHIFT")
    plan.append(("BAKE_TIME", "wait", _minutes(config.get("bakeTimeInMinutes"), scale)))
    plan.append(("CLEAN_UP", "clean_up", None))
    return plan


def _steps(config, scale):
    """The production weights of green, step by step, and the bake between steps (seconds)."""
    strategy = config.get("strategy")
    if strategy == "CANARY":
        canary = config.get("canaryConfiguration") or {}
        percent = int(round(float(canary.get("canaryPercent") or 0)))
        return [percent, 100], _minutes(canary.get("canaryBakeTimeInMinutes"), scale)
    if strategy == "LINEAR":
        linear = config.get("linearConfiguration") or {}
        step = max(1, int(round(float(linear.get("stepPercent") or 100))))
        weights = list(range(step, 100, step)) + [100]
        return weights, _minutes(linear.get("stepBakeTimeInMinutes"), scale)
    return [100], 0


def _minutes(value, scale):
    return float(value or 0) * scale


def _routing(service):
    """Per load balancer with advancedConfiguration: the rules and which target group is blue."""
    routes = []
    serving = getattr(service, "_snailtrail_serving", None)
    if serving is None:
        serving = service._snailtrail_serving = {}
    for lb in service.load_balancers or []:
        advanced = lb.get("advancedConfiguration") or {}
        primary, alternate = lb.get("targetGroupArn"), advanced.get("alternateTargetGroupArn")
        if not primary or not alternate or not advanced.get("productionListenerRule"):
            continue
        blue = serving.get(primary, primary)
        routes.append({
            "groups": [primary, alternate],
            "blue": blue,
            "green": alternate if blue == primary else primary,
            "production": advanced.get("productionListenerRule"),
            "test": advanced.get("testListenerRule"),
        })
    return routes


class _Deployment:
    def __init__(self, backend, service, classic, blue_td, green_td):
        self.backend = backend
        self.service = service
        self.classic = classic
        self.blue_td = blue_td
        self.green_td = green_td
        self.config = copy.deepcopy(_config(service))
        self.id = uuid.uuid4().hex[:20]
        prefix = f"arn:aws:ecs:{backend.region_name}:{backend.account_id}"
        path = f"{service.cluster_name}/{service.name}"
        self.arn = f"{prefix}:service-deployment/{path}/{self.id}"
        self.revision = f"{prefix}:service-revision/{path}/{uuid.uuid4().int % 10**19}"
        self.source_revision = getattr(service, "_snailtrail_revision", None)
        service._snailtrail_revision = self.revision
        self.created = self.updated = _now()
        self.started = self.finished = self.stopped = None
        self.status, self.reason, self.stage = "PENDING", None, None
        self.rollback_info = None
        self.rolled_back_to = None  # a rolling deployment's classic deployment back to blue
        self.plan, self.step, self.routing = [], 0, []
        self.due, self.waiting = time.monotonic(), False
        self.hook, self.hook_details, self.calling = 0, {}, False

    # -- reading

    def describe(self):
        self._follow_classic()
        desired = self.classic.get("desiredCount", 0)
        target = {"arn": self.revision, "requestedTaskCount": desired,
                  "runningTaskCount": self.classic.get("runningCount", 0),
                  "pendingTaskCount": self.classic.get("pendingCount", 0)}
        sources = []
        if self.source_revision:
            sources.append({"arn": self.source_revision, "requestedTaskCount": desired,
                            "runningTaskCount": 0, "pendingTaskCount": 0})
        return {
            "serviceDeploymentArn": self.arn,
            "serviceArn": self.service.arn,
            "clusterArn": self.service.cluster_arn,
            "createdAt": self.created,
            "startedAt": self.started,
            "finishedAt": self.finished,
            "stoppedAt": self.stopped,
            "updatedAt": self.updated,
            "sourceServiceRevisions": sources,
            "targetServiceRevision": target,
            "status": self.status,
            "statusReason": self.reason,
            "lifecycleStage": self.stage,
            "deploymentConfiguration": copy.deepcopy(self.config),
            "rollback": copy.deepcopy(self.rollback_info),
        }

    def brief(self):
        self._follow_classic()
        return {
            "serviceDeploymentArn": self.arn,
            "serviceArn": self.service.arn,
            "clusterArn": self.service.cluster_arn,
            "startedAt": self.started,
            "createdAt": self.created,
            "finishedAt": self.finished,
            "targetServiceRevisionArn": self.revision,
            "status": self.status,
            "statusReason": self.reason,
        }

    def _follow_classic(self):
        """A rolling deployment's status, as its classic deployment (deployments[]) shows it."""
        if self.plan or self.status not in ("IN_PROGRESS", "ROLLBACK_IN_PROGRESS"):
            return
        classic = self.rolled_back_to or self.classic
        state = classic.get("rolloutState")
        if state == "IN_PROGRESS":
            if self.rolled_back_to is None and self.service.current_service_deployment != self.arn:
                self._end("STOPPED", "a newer deployment of the service took over")
            return
        if self.rolled_back_to is not None:
            self._end("ROLLBACK_SUCCESSFUL" if state == "COMPLETED" else "ROLLBACK_FAILED",
                      self.reason)
        elif state == "COMPLETED":
            self._end("SUCCESSFUL", classic.get("rolloutStateReason"))
        else:
            self._end("STOPPED", classic.get("rolloutStateReason"))

    def _end(self, status, reason):
        self.status, self.reason = status, reason
        self.finished = self.updated = _now()
        _active.discard(self)

    def alive(self):
        return _records(self.backend).get(self.arn) is self

    # -- moving on (under the lock)

    def advance(self, now):
        """Runs the plan up to a wait or a hook; returns the hook call to make, or None."""
        if self.status == "PENDING":
            self.status, self.started = "IN_PROGRESS", _now()
            self.route(production=0, test=0)  # a rule ECS cannot set fails the deployment
        while self.status == "IN_PROGRESS" and self.step < len(self.plan):
            stage, action, argument = self.plan[self.step]
            if self.stage != stage:
                self.stage, self.updated = stage, _now()
            if action == "wait":
                if not self.waiting:
                    self.waiting, self.due = True, now + argument
                if now < self.due:
                    return None
                self.waiting = False
            elif action == "hooks":
                hooks = self._hooks_at(argument)
                if self.hook < len(hooks):
                    return self._call(hooks[self.hook], argument)
                self.hook, self.hook_details = 0, {}
            elif action == "scale_up":
                self._scale_up()
            elif action == "shift_test":
                self.route(test=argument)
            elif action == "shift_production":
                self.route(production=argument, test=100)
            elif action == "clean_up":
                self._clean_up()
            self.step += 1
        return None

    def _hooks_at(self, stage):
        return [h for h in self.config.get("lifecycleHooks") or []
                if stage in (h.get("lifecycleStages") or [])]

    def _call(self, hook, stage):
        details = dict(hook.get("hookDetails") or {})
        details.update(self.hook_details)
        weights = {"production": {}, "test": {}}
        for route in self.routing:
            weights["production"].update(route.get("weights", {}).get("production", {}))
            weights["test"].update(route.get("weights", {}).get("test", {}))
        execution = {
            "serviceArn": self.service.arn,
            "targetServiceRevisionArn": self.revision,
            "testTrafficWeights": weights["test"],
            "productionTrafficWeights": weights["production"],
        }
        event = {
            "executionId": str(uuid.uuid4()),
            "lifecycleStage": stage,
            "resourceArn": self.arn,
            "executionDetails": execution,
            "hookDetails": details,
        }
        name = hook.get("hookTargetArn", "").split(":function:")[-1].split(":")[0]
        return {"name": name, "stage": stage, "step": self.step, "hook": self.hook, "event": event}

    def answer(self, call, answer):
        """What a hook said (under the lock): go on, ask again later, or roll back."""
        if self.status != "IN_PROGRESS" or (call["step"], call["hook"]) != (self.step, self.hook):
            return  # stopped or rolled back while the hook ran
        status, delay, details, reason = answer
        if status == "SUCCEEDED":
            self.hook, self.hook_details = self.hook + 1, {}
            self.due = time.monotonic()
        elif status == "IN_PROGRESS":
            if isinstance(details, dict):
                self.hook_details = details
            self.due = time.monotonic() + max(0.05, delay * CALLBACK_SCALE)
        else:
            self.roll_back(reason)

    def route(self, production=None, test=None, strict=True):
        """Sets green's share of the production and test rules of every load balancer."""
        elb = elbv2_backends[self.backend.account_id][self.backend.region_name]
        for route in self.routing:
            weights = route.setdefault("weights", {})
            for kind, percent in (("production", production), ("test", test)):
                rule = route.get(kind)
                if percent is None or not rule:
                    continue
                shares = {route["blue"]: 100 - percent, route["green"]: percent}
                groups = [{"TargetGroupArn": g, "Weight": shares[g]} for g in route["groups"]]
                action = {"Type": "forward", "ForwardConfig": {"TargetGroups": groups}}
                try:
                    if ":listener-rule/" in rule:
                        elb.modify_rule(rule, [], [action])
                    else:
                        elb.modify_listener(rule, actions=[action])
                except Exception:
                    if strict:
                        raise
                    traceback.print_exc()  # going back to blue goes on with the other rules
                weights[kind] = shares

    def _scale_up(self):
        if _Env.fails(self.backend, self.green_td):
            self.classic["failedTasks"] = self.service.desired_count
            self.roll_back("ECS deployment circuit breaker: tasks failed to start.")
            return
        started = _Env.start_tasks(self.backend, self.service, self.green_td,
                                   self.service.desired_count, self.classic["id"])
        self.classic.update({"runningCount": len(started), "pendingCount": 0,
                             "updatedAt": _now()})
        self.service.running_count = len(self._tasks(self.blue_td)) + len(started)
        self.service.pending_count = 0

    def _tasks(self, task_definition):
        return [t for t in _Env.service_tasks(self.backend, self.service)
                if t.desired_status == "RUNNING" and t.task_definition_arn == task_definition]

    def _clean_up(self):
        for task in self._tasks(self.blue_td):
            _Env.stop_task(task, f"Scaling activity initiated by (deployment {self.classic['id']})")
        for route in self.routing:
            self.service._snailtrail_serving[route["groups"][0]] = route["green"]
        self.classic.update({"rolloutState": "COMPLETED",
                             "rolloutStateReason": f"ECS deployment {self.classic['id']} completed.",
                             "updatedAt": _now()})
        self.service.deployments[:] = [self.classic]
        self.service.running_count = len(self._tasks(self.green_td))
        self._event(f"(service {self.service.name}) has reached a steady state.")
        self._end("SUCCESSFUL", "Service deployment succeeded.")

    def roll_back(self, reason):
        """Puts every request back on blue, stops green, and points the service at blue again."""
        if self.plan:
            started = _now()
            self.status, self.reason = "ROLLBACK_IN_PROGRESS", reason
            self.route(production=0, test=0, strict=False)
            for task in self._tasks(self.green_td):
                _Env.stop_task(task, f"Service deployment {self.id} rolled back")
            self.service.task_definition = self.blue_td
            self.classic.update({"rolloutState": "FAILED", "runningCount": 0, "pendingCount": 0,
                                 "rolloutStateReason": f"Service deployment rolled back: {reason}",
                                 "updatedAt": _now()})
            self.service.running_count = len(self._tasks(self.blue_td))
            self.service.pending_count = 0
            self.rollback_info = {"reason": reason, "startedAt": started,
                                  "serviceRevisionArn": self.source_revision}
            self._event(f"(service {self.service.name}) rolled back deployment {self.id}: {reason}")
            self._end("ROLLBACK_SUCCESSFUL", reason)
            return
        # A rolling deployment: back to the task definition of the deployment before.
        before = next((c for c in self.service.deployments
                       if c is not self.classic and c.get("taskDefinition")), None)
        if before is None:
            raise ECSException("InvalidParameterException",
                                   f"service deployment {self.arn} has no revision to roll back to")
        self.status, self.reason = "ROLLBACK_IN_PROGRESS", reason
        self.rollback_info = {"reason": reason, "startedAt": _now(),
                              "serviceRevisionArn": self.source_revision}
        self.service.task_definition = before["taskDefinition"]
        self.rolled_back_to = _Env.reopen(self.backend, self.service)

    def supersede(self):
        """A newer UpdateService took over: green goes, blue stays."""
        self.route(production=0, test=0, strict=False)
        for task in self._tasks(self.green_td):
            _Env.stop_task(task, f"Service deployment {self.id} superseded")
        self._end("STOPPED", "a newer deployment of the service took over")

    def _event(self, message):
        self.service.events.insert(0, {"id": str(uuid.uuid4()), "createdAt": _now(),
                                       "message": message})


# -- the API (under the launcher's lock)

def describe(backend, arns):
    with _Env.lock:
        records = _records(backend)
        found, failures = [], []
        for arn in arns or []:
            if arn in records:
                found.append(records[arn].describe())
            else:
                failures.append({"arn": arn, "reason": "MISSING",
                                 "detail": "no service deployment with this ARN"})
        return found, failures


def list_for(backend, cluster, service_name, statuses):
    with _Env.lock:
        name = (service_name or "").split("/")[-1]
        cluster_name = (cluster or "default").split("/")[-1]
        out = []
        for d in sorted(_records(backend).values(), key=lambda r: r.created, reverse=True):
            if d.service.name != name or d.service.cluster_name != cluster_name:
                continue
            brief = d.brief()
            if not statuses or brief["status"] in statuses:
                out.append(brief)
        return out


def stop(backend, arn, stop_type):
    with _Env.lock:
        d = _records(backend).get(arn)
        if d is None:
            raise ECSException("ServiceDeploymentNotFoundException",
                                   f"The service deployment {arn} does not exist.")
        d._follow_classic()
        if d.status not in ("PENDING", "IN_PROGRESS"):
            raise ECSException(
                "ConflictException",
                f"The service deployment {arn} is {d.status}; only one in progress can be stopped.")
        if stop_type == "ROLLBACK":
            d.roll_back("Service deployment rolled back because of a StopServiceDeployment request.")
        else:
            d._end("STOPPED", "Service deployment stopped by a StopServiceDeployment request.")


# -- the driver

def _drive():
    while True:
        time.sleep(TICK_SECONDS)
        try:
            _tick()
        except Exception:  # the driver must outlive one bad deployment
            traceback.print_exc()


def _tick():
    now = time.monotonic()
    calls = []
    with _Env.lock:
        for d in list(_active):
            if not d.alive():
                _active.discard(d)
            elif not d.calling and now >= d.due:
                try:
                    call = d.advance(now)
                except Exception as e:
                    traceback.print_exc()
                    d.roll_back(f"moto launcher failed at {d.stage}: {e!r}")
                    continue
                if call is not None:
                    d.calling = True
                    calls.append((d, call))
    for d, call in calls:
        answer = _invoke(call)  # without the lock: the hook may call this server
        print(f"lifecycle hook {call['name']} at {call['stage']} of {d.arn}: {answer[0]}",
              flush=True)
        with _Env.lock:
            d.calling = False
            d.answer(call, answer)


def _invoke(call):
    """(hookStatus, callBackDelay, hookDetails, reason): FAILED when ECS would roll back."""
    name = call["name"]
    path = _hooks.get(name)
    if path is None:
        return ("FAILED", 0, None,
                f"lifecycle hook function {name} could not be invoked: no such function"
                " (SNAILTRAIL_MOTO_HOOKS names none by that name)")
    try:
        module = _modules.get(name)
        if module is None:
            spec = importlib.util.spec_from_file_location(f"snailtrail_hook_{len(_modules)}", path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            _modules[name] = module
        answer = module.handler(copy.deepcopy(call["event"]), None)
    except Exception as e:
        traceback.print_exc()
        return ("FAILED", 0, None, f"lifecycle hook function {name} failed: {e!r}")
    status = answer.get("hookStatus") if isinstance(answer, dict) else None
    if status not in ANSWERS:
        return ("FAILED", 0, None,
                f"lifecycle hook function {name} answered no valid hookStatus: {status!r}")
    try:
        delay = float(answer.get("callBackDelay") or DEFAULT_CALLBACK_SECONDS)
    except (TypeError, ValueError):
        delay = DEFAULT_CALLBACK_SECONDS
    reason = f"lifecycle hook function {name} answered {status} at {call['stage']}"
    return status, delay, answer.get("hookDetails"), reason
