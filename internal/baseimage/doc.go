// Package baseimage finds out which base image an image was built from and
// whether that base has moved on since.
//
// The base is taken from the OCI base-image annotations or labels, or from the
// final FROM of the image's Dockerfile. Freshness compares the recorded base
// digest with what the base's tag points to now, and confirms the verdict by
// checking which base's layers sit at the bottom of the image, because a
// digest alone cannot tell a rebuilt-but-identical base from a real update.
package baseimage
