package org.transcoder.operators.model;

import java.util.Objects;

/** Name and picture size of one rendition in a plan. */
public class RenditionInfo {
    private String name;
    private int width;
    private int height;

    public RenditionInfo() {}

    public RenditionInfo(String name, int width, int height) {
        this.name = name;
        this.width = width;
        this.height = height;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public int getWidth() {
        return width;
    }

    public void setWidth(int width) {
        this.width = width;
    }

    public int getHeight() {
        return height;
    }

    public void setHeight(int height) {
        this.height = height;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RenditionInfo r
                && width == r.width
                && height == r.height
                && Objects.equals(name, r.name);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, width, height);
    }
}
