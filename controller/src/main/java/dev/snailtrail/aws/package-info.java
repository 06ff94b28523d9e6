/**
 * The {@code aws} provider: the ports of {@code dev.snailtrail.provider} on the AWS SDK for Java
 * v2, and the only package where SDK types appear. Entry point: {@link
 * dev.snailtrail.aws.AwsProviders}, configured by {@link dev.snailtrail.aws.AwsSettings}. Every
 * request passes one resilience layer (retry with jittered backoff, a circuit breaker per AWS
 * service, client-side rate limits); the SDK's own retries are off.
 */
package dev.snailtrail.aws;
