package io.nightshift.quality;

/** A row's rejection: its reason code and a message naming the column or input. */
public record Rejection(RejectReason reason, String detail) {}
