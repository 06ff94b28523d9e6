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
from moto.ec2.models.elastic_network_interfaces import NetworkInterface
from moto.ecs import models as ecs_models
from moto.moto_api import state_manager
from moto.server import ThreadedMotoServer

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


def _now():
    return datetime.datetime.now(datetime.timezone.utc)


def _open_deployment(service):
    """Makes a new IN_PROGRESS PRIMARY deployment for the service's current task definition."""
    for d in service.deployments:
        if d.get("status") == "PRIMARY":
            d["status"] = "ACTIVE"
            d["updatedAt"] = _now()
    deployment_id = "ecs-svc/" + str(uuid.uuid4().int)[:19]
    service.deployments.insert(0, {
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
    })
    service._snailtrail_due = time.monotonic() + DEPLOY_SECONDS


def _service_tasks(backend, service):
    tasks = backend.tasks.get(service.cluster_name, {})
    return [t for t in tasks.values() if t.group == f"service:{service.name}"]


def _complete(backend, service):
    """Ends the service's IN_PROGRESS deployment the way ECS would."""
    primary = service.deployments[0]
    task_definition = backend.describe_task_definition(primary["taskDefinition"])
    image = task_definition.container_definitions[0].get("image", "")
    if FAIL_IMAGE and FAIL_IMAGE in image:
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
    cluster = backend._get_cluster(service.cluster_name)
    while len(running) < service.desired_count:
        task = ecs_models.Task(
            cluster,
            task_definition,
            None,
            None,
            backend=backend,
            group=f"service:{service.name}",
            launch_type=service.launch_type or "",
            started_by=primary["id"],
            networking_configuration=service.network_configuration or None,
        )
        for container in task.containers:
            container.last_status = "RUNNING"
        _bind_ports(task, task_definition)
        task.started_at = _now()
        backend.tasks.setdefault(cluster.name, {})[task.task_arn] = task
        running.append(task)
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


def create_service(self, *args, **kwargs):
    with _lock:
        service = _original["create_service"](self, *args, **kwargs)
        if service.deployment_controller.get("type") == "ECS" and service.task_definition:
            service.deployments.clear()
            _open_deployment(service)
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
        if changed or force:
            _open_deployment(service)
            service.pending_count = service.desired_count
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


def _patch():
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
    server = ThreadedMotoServer(ip_address=args.host, port=args.port, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    print(f"MOTO_READY {port} moto {moto.__version__} deploy {DEPLOY_SECONDS}s", flush=True)
    try:
        sys.stdin.read()  # returns at EOF: the parent has gone
    except KeyboardInterrupt:
        pass
    server.stop()


if __name__ == "__main__":
    main()
