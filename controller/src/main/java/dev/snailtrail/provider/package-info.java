/**
 * The narrow ports through which the controller acts on the world, in domain terms. The AWS
 * implementation lives in {@code dev.snailtrail.aws} (the only place SDK types appear); the
 * embedded simulator in {@code dev.snailtrail.sim}. Every port method may throw {@link
 * dev.snailtrail.provider.ProviderException}; callers turn it into Inconclusive, never Failed.
 *
 * <p>ECS and ELB states cross the ports as enums, never as strings: each is read from its AWS name
 * once, by the provider that meets the wire, and a name this version does not know reads as the
 * enum's {@code UNRECOGNIZED} constant rather than failing.
 */
package dev.snailtrail.provider;
