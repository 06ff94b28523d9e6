package dev.snailtrail.cli;

import picocli.CommandLine.Option;

/** {@code --events}: where {@code controller} and {@code run} hear of changes ({@link Ports}). */
final class EventOptions {
  @Option(
      names = "--events",
      paramLabel = "QUEUE_URL",
      description =
          "Wake rollouts as soon as ECS or CloudWatch announces a change that concerns them: the"
              + " URL of the SQS queue the EventBridge rule of deploy/eventbridge feeds (aws), or"
              + " 'sim' for the simulator's own events. Polling and the resync go on as without it:"
              + " a lost event only means a later look.")
  String events;
}
