/**
 * The narrow ports through which the controller acts on the world, in domain terms. The AWS
 * implementation lives in {@code dev.snailtrail.aws} (the only place SDK types appear); the
 * embedded simulator in {@code dev.snailtrail.sim}. Every port method may throw {@link
 * dev.snailtrail.provider.ProviderException}; callers turn it into Inconclusive, never Failed.
 */
package dev.snailtrail.provider;
