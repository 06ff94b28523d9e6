/**
 * Decorators of the {@link dev.snailtrail.provider.Ecs} port: {@link ForwardingEcs}, the base that
 * passes every call on, {@link ClusterBatchingEcs}, which answers the controller's service reads
 * from one describe per cluster ({@link ManagedServices} says which services), and {@link
 * OncePerPassEcs}, which describes each service once per pass of {@code snailtrail run}. They see
 * the ports only, so they sit over the AWS adapters and the simulator alike.
 */
package dev.snailtrail.provider.decorate;
