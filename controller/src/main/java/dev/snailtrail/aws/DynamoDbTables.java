package dev.snailtrail.aws;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** Creates the shared store's table: {@code pk} and {@code sk}, strings, on-demand capacity. */
final class DynamoDbTables {
  private DynamoDbTables() {}

  static boolean create(DynamoDbClient db, AwsCalls calls, String table) {
    boolean created =
        calls.call(
            DynamoDbTable.SERVICE,
            "CreateTable",
            () -> {
              try {
                db.createTable(
                    c ->
                        c.tableName(table)
                            .billingMode(BillingMode.PAY_PER_REQUEST)
                            .attributeDefinitions(
                                attribute(DynamoDbItems.PK), attribute(DynamoDbItems.SK))
                            .keySchema(
                                key(DynamoDbItems.PK, KeyType.HASH),
                                key(DynamoDbItems.SK, KeyType.RANGE)));
                return true;
              } catch (ResourceInUseException e) {
                return false; // an answer: it exists
              }
            });
    calls.call(
        DynamoDbTable.SERVICE,
        "DescribeTable",
        () -> db.waiter().waitUntilTableExists(d -> d.tableName(table)));
    return created;
  }

  private static AttributeDefinition attribute(String name) {
    return AttributeDefinition.builder()
        .attributeName(name)
        .attributeType(ScalarAttributeType.S)
        .build();
  }

  private static KeySchemaElement key(String name, KeyType type) {
    return KeySchemaElement.builder().attributeName(name).keyType(type).build();
  }
}
