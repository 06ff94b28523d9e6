package dev.snailtrail.controller;

import dev.snailtrail.moto.MotoServer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;

/**
 * What ECS does and moto does not: announce a service's deployment completing to EventBridge. A
 * thread watches the services in moto (every 100 ms) and, when a PRIMARY deployment turns
 * COMPLETED, puts the ECS Deployment State Change event AWS would send into moto's EventBridge,
 * whose rule delivers it to the controller's queue.
 */
final class MotoEcsEvents {
  private final MotoServer moto;
  private final String cluster;
  private final List<String> services;
  private final Map<String, String> announced = new HashMap<>();
  private final boolean announce;

  /** When (System.nanoTime) each service's latest deployment was first seen COMPLETED. */
  final Map<String, Long> completedAt = new java.util.concurrent.ConcurrentHashMap<>();

  private final Thread thread;
  private volatile boolean closed;

  MotoEcsEvents(MotoServer moto, String cluster, List<String> services) {
    this(moto, cluster, services, true);
  }

  /**
   * @param announce whether to put the events into EventBridge, or only note when deployments
   *     complete (a run without events that measures how soon the controller notices)
   */
  MotoEcsEvents(MotoServer moto, String cluster, List<String> services, boolean announce) {
    this.announce = announce;
    this.moto = moto;
    this.cluster = cluster;
    this.services = List.copyOf(services);
    this.thread = Thread.ofPlatform().daemon(true).name("moto-ecs-events").start(this::watch);
  }

  private void watch() {
    EcsClient ecs = moto.client(EcsClient.class, EcsClient::builder);
    while (!closed) {
      for (int i = 0; i < services.size(); i += 10) {
        List<String> batch = services.subList(i, Math.min(services.size(), i + 10));
        for (Service s : ecs.describeServices(r -> r.cluster(cluster).services(batch)).services()) {
          for (Deployment d : s.deployments()) {
            if ("PRIMARY".equals(d.status())
                && "COMPLETED".equals(d.rolloutStateAsString())
                && !d.id().equals(announced.get(s.serviceName()))) {
              announced.put(s.serviceName(), d.id());
              completedAt.put(s.serviceName(), System.nanoTime());
              if (announce) {
                completed(s, d);
              }
            }
          }
        }
      }
      try {
        Thread.sleep(Duration.ofMillis(100));
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void completed(Service s, Deployment d) {
    String detail =
        """
        {"eventType":"INFO","eventName":"SERVICE_DEPLOYMENT_COMPLETED","deploymentId":"%s",\
        "reason":"ECS deployment %s completed."}"""
            .formatted(d.id(), d.id());
    moto.client(EventBridgeClient.class, EventBridgeClient::builder)
        .putEvents(
            r ->
                r.entries(
                    PutEventsRequestEntry.builder()
                        .source("aws.ecs")
                        .detailType("ECS Deployment State Change")
                        .resources(s.serviceArn())
                        .detail(detail)
                        .build()));
  }

  /** Stops watching. */
  void stop() {
    closed = true;
    try {
      thread.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
