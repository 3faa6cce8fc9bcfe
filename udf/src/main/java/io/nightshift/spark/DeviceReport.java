package io.nightshift.spark;

import java.io.Serializable;

/** What device a session really runs on in one executor, as a device probe found it. */
public record DeviceReport(
    String executorId, String device, String provider, String fallbackReason, long sessionsCreatedInJvm)
    implements Serializable {}
