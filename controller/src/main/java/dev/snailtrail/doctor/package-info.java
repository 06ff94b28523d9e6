/**
 * The preflight doctor: read-only checks that a phase can deploy, each naming its fix. Entry point
 * {@link dev.snailtrail.doctor.Preflight}; {@link dev.snailtrail.doctor.Checklist} prints results
 * for people.
 */
package dev.snailtrail.doctor;
