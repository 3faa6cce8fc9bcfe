package io.nightshift.ocr;

/**
 * One line of text read from a page: where it is and what it says. Immutable.
 *
 * @param box the detected box, corners clockwise from the top-left, in the page's pixels
 * @param text the recognised text (greedy CTC; may hold spaces read in the box's margins)
 * @param confidence the mean probability of the text's characters, 0–1
 */
public record PageLine(TextBox box, String text, float confidence) {}
