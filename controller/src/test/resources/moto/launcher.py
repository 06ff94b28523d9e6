"""Runs a moto server for Snail Trail's integration tests, with ECS deployments that progress.

Usage: python launcher.py [--host 127.0.0.1] [--port 0]

Prints one line "MOTO_READY <port>" once the server listens, then serves until stdin closes
(the test JVM holds the other end, so the server dies with it) or SIGTERM arrives.

Why a patch: moto 5.2.1's ECS keeps one deployment per service forever, completes nothing and
starts no tasks for services, and moves every described task towards STOPPED one step per
DescribeTasks. Snail Trail watches deployments and tasks the way real ECS reports them, so this
module makes moto behave like ECS in the few places the controller looks:

* CreateService and UpdateService (with a new task definition, or forceNewDeployment) open a
  new PRIMARY deployment with rolloutState IN_PROGRESS; earlier deployments become ACTIVE.
* After SNAILTRAIL_MOTO_DEPLOY_SECONDS (default 2) the deployment turns COMPLETED: the service
  runs desiredCount RUNNING tasks of the new task definition (group "service:<name>", as ECS
  sets it), older tasks are STOPPED by the scheduler, and older deployments disappear.
  Progress is evaluated lazily whenever ECS is asked about services or tasks: no threads.
* A task definition whose first container image contains SNAILTRAIL_MOTO_FAIL_IMAGE (if set)
  never becomes healthy: its deployment ends FAILED, as with the deployment circuit breaker.
* ListTasks honours serviceName (moto ignores it), fails for an unknown service and lists only
  tasks desired RUNNING unless asked for STOPPED ones, as ECS does.
* Tasks keep the status they were given instead of drifting to STOPPED on every describe.
* Tasks under bridge and host networking report the networkBindings ECS gives them (bridge maps
  a hostPort of 0 to an ephemeral port), as preflight reads them; under awsvpc there are none.
* awsvpc tasks can start in a VPC without DNS hostnames (moto reads an ENI attribute it only
  sets when hostnames are enabled).

ECS's own blue/green, linear and canary deployments (strategies.py, beside this file):

* CreateService keeps its deploymentConfiguration (moto drops it); UpdateService keeps it, and
  DescribeServices returns it: strategy, canaryConfiguration, linearConfiguration,
  bakeTimeInMinutes, lifecycleHooks, with the circuit breaker and percents.
* Every deployment opened above is a service deployment too: the service names it as
  currentServiceDeployment (arn:aws:ecs:REGION:ACCOUNT:service-deployment/CLUSTER/SERVICE/ID),
  and DescribeServiceDeployments, ListServiceDeployments and StopServiceDeployment answer for it.
  A rolling one is IN_PROGRESS, then SUCCESSFUL (or STOPPED) as its PRIMARY deployment ends;
  StopServiceDeployment with ROLLBACK deploys the task definition before again
  (ROLLBACK_IN_PROGRESS, then ROLLBACK_SUCCESSFUL).
* Under strategy BLUE_GREEN, LINEAR or CANARY, UpdateService with a new task definition starts it
  (green) beside the one running (blue) instead: a PRIMARY deployment IN_PROGRESS for green, and a
  service deployment that a background thread walks through its lifecycle stages:
  RECONCILE_SERVICE, PRE_SCALE_UP, SCALE_UP (green's tasks RUNNING after
  SNAILTRAIL_MOTO_DEPLOY_SECONDS), POST_SCALE_UP, TEST_TRAFFIC_SHIFT, POST_TEST_TRAFFIC_SHIFT,
  PRODUCTION_TRAFFIC_SHIFT, POST_PRODUCTION_TRAFFIC_SHIFT, BAKE_TIME, CLEAN_UP.
  For each load balancer with advancedConfiguration, the testListenerRule and the
  productionListenerRule (a rule or a listener, in moto's ELBv2) forward to targetGroupArn and
  alternateTargetGroupArn by weight: blue 100 at the start, test all on green at
  TEST_TRAFFIC_SHIFT, production all on green at once (BLUE_GREEN), canaryPercent first and the
  rest after canaryBakeTimeInMinutes (CANARY), or stepPercent more every stepBakeTimeInMinutes
  (LINEAR). Then blue stays up for bakeTimeInMinutes; at CLEAN_UP blue's tasks stop, the PRIMARY
  deployment turns COMPLETED and the service deployment SUCCESSFUL; the next deployment's blue is
  the alternate target group. A minute of bake lasts SNAILTRAIL_MOTO_BAKE_SECONDS_PER_MINUTE
  seconds (default 1), or as many as the service's cluster's tag
  snailtrail.moto/bake-seconds-per-minute says.
* At each stage (and PRE_PRODUCTION_TRAFFIC_SHIFT, before production moves; PRODUCTION_TRAFFIC_SHIFT
  after each step) the lifecycle hooks of the stage are invoked in turn: the function name of
  hookTargetArn is looked up in SNAILTRAIL_MOTO_HOOKS ("name=/path/to/module.py,..."), the module
  imported once, and handler(event, None) called with ECS's event: executionId, lifecycleStage,
  resourceArn (the service deployment), executionDetails (serviceArn, targetServiceRevisionArn,
  testTrafficWeights, productionTrafficWeights) and hookDetails (the hook's own, plus what its
  last IN_PROGRESS answer returned at this stage). SUCCEEDED goes on; IN_PROGRESS is asked again
  after callBackDelay seconds (default 30) times SNAILTRAIL_MOTO_CALLBACK_SCALE (default 0.1);
  FAILED, an exception, an answer without a valid hookStatus, or a function the map does not
  name roll back, as does StopServiceDeployment with ROLLBACK: every rule all on blue, green's
  tasks stopped, the service back on blue's task definition, the PRIMARY deployment FAILED, the
  service deployment ROLLBACK_SUCCESSFUL. ABORT stops it where it is (STOPPED). Tasks whose image
  contains SNAILTRAIL_MOTO_FAIL_IMAGE never start here either: the deployment rolls back.
* Hooks run on that thread without the launcher's lock, with AWS_ENDPOINT_URL set to this server
  (and dummy credentials, region us-east-1) unless the environment says otherwise, so a hook may
  call moto itself (DynamoDB, ECS) as the real function calls AWS.
* A ROLLING service behaves as described above, whatever its deploymentConfiguration says; the
  first deployment of a service (CreateService) is rolling under every strategy, as it has no
  blue to shift from.

Everything else is stock moto.
"""

import argparse
import datetime
import itertools
import os
import sys
import threading
import time
import traceback
import uuid

import moto
from moto.core.responses import ActionResult
from moto.ec2.models.elastic_network_interfaces import NetworkInterface
from moto.ecs import models as ecs_models
from moto.ecs.responses import EC2ContainerServiceResponse
from moto.moto_api import state_manager
from moto.server import ThreadedMotoServer

import strategies  # beside this file

DEPLOY_SECONDS = float(os.environ.get("SNAILTRAIL_MOTO_DEPLOY_SECONDS", "2"))
FAIL_IMAGE = os.environ.get("SNAILTRAIL_MOTO_FAIL_IMAGE", "")

Backend = ecs_models.EC2ContainerServiceBackend
_ephemeral_ports = itertools.count(32768)
_lock = threading.RLock()
_original = {
    name: getattr(Backend, name)
    for name in ("create_service", "update_service", "describe_services", "list_tasks",
                 "describe_tasks", "list_services")
}
_original_create_service_response = EC2ContainerServiceResponse.create_service
_creating = threading.local()  # the deploymentConfiguration of the CreateService under way


def _now():
    return datetime.datetime.now(datetime.timezone.utc)


def _open_deployment(backend, service, track=True):
    """Makes a new IN_PROGRESS PRIMARY deployment for the service's current task definition.

    With track, it is a new service deployment too (currentServiceDeployment); without, it is
    the work of one already under way (a rollback).
    """
    for d in service.deployments:
        if d.get("status") == "PRIMARY":
            d["status"] = "ACTIVE"
            d["updatedAt"] = _now()
    deployment_id = "ecs-svc/" + str(uuid.uuid4().int)[:19]
    classic = {
        "id": deployment_id,
        "status": "PRIMARY",
        "taskDefinition": service.task_definition,
        "desiredCount": service.desired_count,
        "pendingCount": service.desired_count,
        "runningCount": 0,
        "failedTasks": 0,
        "launchType": service.launch_type,
        "networkConfiguration": service.network_configuration or None,
        "rolloutState": "IN_PROGRESS",
        "rolloutStateReason": f"ECS deployment {deployment_id} in progress.",
        "createdAt": _now(),
        "updatedAt": _now(),
    }
    service.deployments.insert(0, classic)
    service._snailtrail_due = time.monotonic() + DEPLOY_SECONDS
    if track:
        strategies.open_rolling(backend, service, classic)
    return classic


def _reopen(backend, service):
    """A rolling deployment back to the service's task definition, within its service deployment."""
    classic = _open_deployment(backend, service, track=False)
    service.pending_count = service.desired_count
    return classic


def _service_tasks(backend, service):
    tasks = backend.tasks.get(service.cluster_name, {})
    return [t for t in tasks.values() if t.group == f"service:{service.name}"]


def _fails(backend, task_definition_arn):
    """Whether tasks of the task definition never start (SNAILTRAIL_MOTO_FAIL_IMAGE)."""
    task_definition = backend.describe_task_definition(task_definition_arn)
    image = task_definition.container_definitions[0].get("image", "")
    return bool(FAIL_IMAGE and FAIL_IMAGE in image)


def _start_tasks(backend, service, task_definition_arn, count, started_by):
    """Starts count RUNNING tasks of the task definition for the service."""
    task_definition = backend.describe_task_definition(task_definition_arn)
    cluster = backend._get_cluster(service.cluster_name)
    started = []
    for _ in range(count):
        task = ecs_models.Task(
            cluster,
            task_definition,
            None,
            None,
            backend=backend,
            group=f"service:{service.name}",
            launch_type=service.launch_type or "",
            started_by=started_by,
            networking_configuration=service.network_configuration or None,
        )
        for container in task.containers:
            container.last_status = "RUNNING"
        _bind_ports(task, task_definition)
        task.started_at = _now()
        backend.tasks.setdefault(cluster.name, {})[task.task_arn] = task
        started.append(task)
    return started


def _complete(backend, service):
    """Ends the service's IN_PROGRESS deployment the way ECS would."""
    primary = service.deployments[0]
    task_definition = backend.describe_task_definition(primary["taskDefinition"])
    if _fails(backend, task_definition.arn):
        primary["rolloutState"] = "FAILED"
        primary["rolloutStateReason"] = (
            "ECS deployment circuit breaker: tasks failed to start.")
        primary["failedTasks"] = service.desired_count
        primary["updatedAt"] = _now()
        return
    running = []
    for task in _service_tasks(backend, service):
        if task.desired_status != "RUNNING":
            continue
        if task.task_definition_arn == task_definition.arn and len(running) < service.desired_count:
            running.append(task)
        else:
            _stop(task, f"Scaling activity initiated by (deployment {primary['id']})")
    running += _start_tasks(backend, service, task_definition.arn,
                            service.desired_count - len(running), primary["id"])
    primary.update({
        "runningCount": len(running),
        "pendingCount": 0,
        "rolloutState": "COMPLETED",
        "rolloutStateReason": f"ECS deployment {primary['id']} completed.",
        "updatedAt": _now(),
    })
    del service.deployments[1:]
    service.running_count = len(running)
    service.pending_count = 0
    service.events.insert(0, {
        "id": str(uuid.uuid4()),
        "createdAt": _now(),
        "message": f"(service {service.name}) has reached a steady state.",
    })


def _bind_ports(task, task_definition):
    """The host ports ECS reports for a task's containers under bridge and host networking."""
    mode = task_definition.network_mode or "bridge"
    if mode not in ("bridge", "host"):
        return
    for container in task.containers:
        definition = next((c for c in task_definition.container_definitions
                           if c.get("name") == container.name), {})
        bindings = []
        for mapping in definition.get("portMappings") or []:
            port = mapping["containerPort"]
            host = mapping.get("hostPort") or (port if mode == "host" else next(_ephemeral_ports))
            bindings.append({"bindIP": "0.0.0.0", "containerPort": port, "hostPort": host,
                             "protocol": mapping.get("protocol", "tcp")})
        container.network_bindings = bindings


def _stop(task, reason):
    task.last_status = "STOPPED"
    task.desired_status = "STOPPED"
    task.stopped_reason = reason
    task.stop_code = "ServiceSchedulerInitiated"
    task.stopped_at = _now()
    for container in task.containers:
        container.last_status = "STOPPED"


def _settle(backend):
    """Completes every deployment whose time has come."""
    now = time.monotonic()
    for service in list(backend.services.values()):
        due = getattr(service, "_snailtrail_due", None)
        if due is not None and now >= due:
            service._snailtrail_due = None
            try:
                _complete(backend, service)
            except Exception as e:  # the deployment fails visibly instead of the request
                traceback.print_exc()
                primary = service.deployments[0]
                primary["rolloutState"] = "FAILED"
                primary["rolloutStateReason"] = f"moto launcher could not start tasks: {e!r}"


def create_service_response(self):
    # moto's CreateService drops deploymentConfiguration; the backend below keeps it.
    _creating.config = self._get_param("deploymentConfiguration")
    try:
        return _original_create_service_response(self)
    finally:
        _creating.config = None


def create_service(self, *args, **kwargs):
    with _lock:
        service = _original["create_service"](self, *args, **kwargs)
        service.deployment_configuration = getattr(_creating, "config", None)
        if service.deployment_controller.get("type") == "ECS" and service.task_definition:
            service.deployments.clear()
            # The first deployment has no blue to shift from, whatever the strategy.
            _open_deployment(self, service)
            service.running_count = 0
            service.pending_count = service.desired_count
        return service


def update_service(self, service_properties):
    with _lock:
        _settle(self)
        cluster = service_properties.get("cluster", "default")
        name = service_properties.get("service", "").split("/")[-1]
        before = self._get_service(cluster, name)
        old_task_definition = before.task_definition
        old_running = before.running_count
        force = bool(service_properties.get("force_new_deployment"))
        service = _original["update_service"](self, service_properties)
        # Stock moto pretends the new count runs at once; tasks decide that here.
        service.running_count = old_running
        changed = service.task_definition != old_task_definition
        under_way = strategies.active(service)
        if (changed or force) and strategies.uses_strategy(service):
            classic = _open_deployment(self, service, track=False)
            service._snailtrail_due = None  # the strategy's own walk completes it
            strategies.open_strategy(self, service, classic, blue_td=old_task_definition)
            service.pending_count = service.desired_count
        elif changed or force:
            if under_way is not None:
                under_way.supersede()
            _open_deployment(self, service)
            service.pending_count = service.desired_count
        elif under_way is not None:
            under_way.classic["desiredCount"] = service.desired_count
        elif service.deployments:
            service.deployments[0]["desiredCount"] = service.desired_count
            service._snailtrail_due = time.monotonic() + DEPLOY_SECONDS
        return service


def describe_services(self, *args, **kwargs):
    with _lock:
        _settle(self)
        return _original["describe_services"](self, *args, **kwargs)


def list_services(self, *args, **kwargs):
    with _lock:
        _settle(self)
        return _original["list_services"](self, *args, **kwargs)


def list_tasks(self, cluster_str=None, container_instance=None, family=None, started_by=None,
               service_name=None, desiredStatus=None):
    with _lock:
        _settle(self)
        # ECS lists tasks desired RUNNING unless asked otherwise; moto would list all.
        tasks = _original["list_tasks"](self, cluster_str, container_instance, family,
                                        started_by, service_name, desiredStatus or "RUNNING")
        if service_name:
            name = service_name.split("/")[-1]
            self._get_service(cluster_str or "default", name)  # ServiceNotFoundException
            tasks = [t for t in tasks if t.group == f"service:{name}"]
        return tasks


def describe_tasks(self, *args, **kwargs):
    with _lock:
        _settle(self)
        return _original["describe_tasks"](self, *args, **kwargs)


def describe_service_deployments(self):
    with _lock:
        _settle(self.ecs_backend)
    found, failures = strategies.describe(
        self.ecs_backend, self._get_param("serviceDeploymentArns", []))
    return ActionResult({"serviceDeployments": found, "failures": failures})


def list_service_deployments(self):
    with _lock:
        _settle(self.ecs_backend)
    found = strategies.list_for(self.ecs_backend, self._get_param("cluster"),
                                self._get_param("service"), self._get_param("status") or [])
    return ActionResult({"serviceDeployments": found})


def stop_service_deployment(self):
    with _lock:
        _settle(self.ecs_backend)
    arn = self._get_param("serviceDeploymentArn")
    strategies.stop(self.ecs_backend, arn, self._get_param("stopType") or "ROLLBACK")
    return ActionResult({"serviceDeploymentArn": arn})


def _patch():
    EC2ContainerServiceResponse.create_service = create_service_response
    EC2ContainerServiceResponse.describe_service_deployments = describe_service_deployments
    EC2ContainerServiceResponse.list_service_deployments = list_service_deployments
    EC2ContainerServiceResponse.stop_service_deployment = stop_service_deployment
    Backend.create_service = create_service
    Backend.update_service = update_service
    Backend.describe_services = describe_services
    Backend.list_services = list_services
    Backend.list_tasks = list_tasks
    Backend.describe_tasks = describe_tasks
    NetworkInterface.private_dns_name = None
    # Tasks keep their status; only the scheduler above (or StopTask) changes it.
    state_manager.register_default_transition(
        "ecs::task", {"progression": "manual", "times": sys.maxsize})


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    _patch()
    strategies.configure(_lock, _start_tasks, _service_tasks, _stop, _fails, _reopen,
                         DEPLOY_SECONDS)
    server = ThreadedMotoServer(ip_address=args.host, port=args.port, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    # Lifecycle hooks run in this process; their AWS clients reach this server, as in the tests.
    os.environ.setdefault("AWS_ENDPOINT_URL", f"http://{host}:{port}")
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    strategies.start()
    print(f"MOTO_READY {port} moto {moto.__version__} deploy {DEPLOY_SECONDS}s", flush=True)
    try:
        sys.stdin.read()  # returns at EOF: the parent has gone
    except KeyboardInterrupt:
        pass
    server.stop()


if __name__ == "__main__":
    main()
