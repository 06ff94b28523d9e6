package dev.snailtrail.aws;

import dev.snailtrail.provider.Change;
import dev.snailtrail.provider.ChangeEvents;
import dev.snailtrail.provider.ChangeFeed;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * {@link ChangeFeed} on an SQS queue that an EventBridge rule feeds (deploy/eventbridge): long
 * polls of up to 20 s and 10 messages, each message an EventBridge event read by {@link
 * ChangeEvents}. Received messages are deleted at once, read or not: the controller never depends
 * on one (its polling and resync go on), so a message is worth one wake-up at most, and one it
 * cannot read would only come back. Requests go through {@link AwsCalls} like every other.
 */
final class AwsChangeFeed implements ChangeFeed {
  private static final String SQS = "sqs";
  private static final int MAX_WAIT_SECONDS = 20;
  private static final Pattern SQS_HOST =
      Pattern.compile(
          "(?:sqs\\.([a-z0-9-]+)\\.amazonaws\\.com|([a-z0-9-]+)\\.queue\\.amazonaws\\.com)");

  private final SqsClient sqs;
  private final AwsCalls calls;
  private final String queueUrl;
  private volatile boolean closed;

  AwsChangeFeed(SqsClient sqs, AwsCalls calls, String queueUrl) {
    this.sqs = sqs;
    this.calls = calls;
    this.queueUrl = queueUrl;
  }

  /**
   * The region of a queue URL: from its host ({@code sqs.eu-west-1.amazonaws.com}), else {@code
   * AWS_REGION} or {@code AWS_DEFAULT_REGION} (a local endpoint's URL names none).
   *
   * @throws IllegalArgumentException when neither says
   */
  static String regionOf(URI queueUrl, Map<String, String> env) {
    String host = queueUrl.getHost() == null ? "" : queueUrl.getHost();
    Matcher m = SQS_HOST.matcher(host);
    if (m.matches()) {
      return m.group(1) != null ? m.group(1) : m.group(2);
    }
    for (String name : List.of("AWS_REGION", "AWS_DEFAULT_REGION")) {
      String v = env.get(name);
      if (v != null && !v.isBlank()) {
        return v;
      }
    }
    throw new IllegalArgumentException(
        "cannot tell the region of the queue "
            + queueUrl
            + " from its host; set AWS_REGION to the queue's region");
  }

  @Override
  public List<Change> next(Duration wait) {
    if (closed) {
      return List.of();
    }
    int seconds = (int) Math.max(0, Math.min(MAX_WAIT_SECONDS, wait.toSeconds()));
    ReceiveMessageResponse received =
        calls.call(
            SQS,
            "ReceiveMessage",
            () ->
                sqs.receiveMessage(
                    r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(seconds)));
    List<Message> messages = received.messages();
    if (messages.isEmpty()) {
      return List.of();
    }
    delete(messages);
    List<Change> changes = new ArrayList<>();
    for (Message m : messages) {
      ChangeEvents.parse(m.body()).ifPresent(changes::add);
    }
    return changes;
  }

  private void delete(List<Message> messages) {
    List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      entries.add(
          DeleteMessageBatchRequestEntry.builder()
              .id(Integer.toString(i))
              .receiptHandle(messages.get(i).receiptHandle())
              .build());
    }
    calls.call(
        SQS,
        "DeleteMessageBatch",
        () -> sqs.deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(entries)));
  }

  @Override
  public void close() {
    closed = true;
  }
}
