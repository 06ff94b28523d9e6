package dev.snailtrail.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.aws.AwsProviders;
import dev.snailtrail.moto.MotoServer;
import dev.snailtrail.store.TableStore;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link ReplicasTest}'s three replicas, one paused past its leases and one killed, over a DynamoDB
 * table on moto: the leases' conditional writes and the fenced transactions as the SDK sends them.
 * Fewer rollouts, since every read and write crosses the wire.
 */
@ExtendWith(MotoServer.Extension.class)
class ReplicasTakeoverIT extends ReplicasTest {
  private static final String TABLE = "snailtrail-replicas";
  private AwsProviders aws;

  @Override
  int rollouts() {
    return 12;
  }

  @Override
  TableStore sharedStore(Clock clock) {
    aws = AwsProviders.open(MotoServer.get().settings());
    assertThat(aws.createStoreTable(MotoServer.REGION, TABLE)).as("table created").isTrue();
    return new TableStore(aws.storeTable(MotoServer.REGION, TABLE), "dynamodb:" + TABLE, clock);
  }

  @AfterEach
  void close() {
    if (aws != null) {
      aws.close();
    }
  }
}
