package baseimage

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestFinalFrom(t *testing.T) {
	const pinned = "alpine:3.20@sha256:0000000000000000000000000000000000000000000000000000000000000001"
	tests := []struct {
		name, src string
		args      map[string]string
		want      string
	}{
		{"single", "FROM alpine:3.20\nRUN apk add curl\n", nil, "alpine:3.20"},
		{"lower-case and comments", "# a comment\n\nfrom   docker.io/library/debian:bookworm-slim  \n# trailing\n", nil, "docker.io/library/debian:bookworm-slim"},
		{"multi-stage final wins", "FROM golang:1.26 AS build\nRUN go build\nFROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=build /app /app\n", nil, "gcr.io/distroless/static-debian12:nonroot"},
		{"final refers to stage", "FROM alpine:3.20 AS base\nRUN apk add ca-certificates\nFROM base AS final\nCOPY app /\n", nil, "alpine:3.20"},
		{"alias chain, case-insensitive", "FROM node:22-alpine AS Deps\nFROM DEPS as Build\nFROM build\n", nil, "node:22-alpine"},
		{"stage named like its image", "FROM alpine:3 AS alpine\nFROM alpine\n", nil, "alpine:3"},
		{"later stage name is not a stage ref", "FROM app\nFROM alpine AS app\nFROM redis:7\n", nil, "redis:7"},
		{"ARG default", "ARG VERSION=3.20\nFROM alpine:${VERSION}\n", nil, "alpine:3.20"},
		{"ARG overridden by build-arg", "ARG VERSION=3.20\nFROM alpine:$VERSION\n", map[string]string{"VERSION": "3.21"}, "alpine:3.21"},
		{"ARG without default takes build-arg", "ARG IMAGE\nFROM $IMAGE\n", map[string]string{"IMAGE": "ubuntu:24.04"}, "ubuntu:24.04"},
		{"undeclared build-arg is ignored", "FROM alpine:${V:-3.19}\n", map[string]string{"V": "9"}, "alpine:3.19"},
		{"default modifier", "ARG V\nFROM alpine:${V:-3.18}\n", nil, "alpine:3.18"},
		{"dash without colon keeps empty", "ARG V=\nFROM alpine${V-:latest}\n", nil, "alpine"},
		{"plus modifier", "ARG SLIM=1\nFROM debian:bookworm${SLIM:+-slim}\n", nil, "debian:bookworm-slim"},
		{"nested default", "ARG REG=mcr.microsoft.com\nFROM ${MIRROR:-${REG}}/azurelinux/base/core:3.0\n", nil, "mcr.microsoft.com/azurelinux/base/core:3.0"},
		{"ARG using earlier ARG", "ARG REG=example.azurecr.io\nARG IMG=${REG}/base:1 TAG=x\nFROM $IMG\n", nil, "example.azurecr.io/base:1"},
		{"quoted ARG and FROM", "ARG IMG=\"alpine:3.20\"\nFROM \"${IMG}\" AS 'final'\n", nil, "alpine:3.20"},
		{"single quotes do not expand", "ARG V=1\nFROM 'alpine'\n", nil, "alpine"},
		{"ARG after FROM is stage-local", "ARG V=1\nFROM a:$V\nARG V=2\nFROM b:$V\n", nil, "b:1"},
		{"platform flag", "FROM --platform=$BUILDPLATFORM golang:1.26 AS build\nFROM --platform=linux/arm64 alpine:3.20 AS final\n", nil, "alpine:3.20"},
		{"automatic platform ARG", "FROM example.com/base-${TARGETARCH}:1\n", map[string]string{"TARGETARCH": "arm64"}, "example.com/base-arm64:1"},
		{"line continuation", "FROM \\\n    alpine:3.20 \\\n# comment inside\n\n    AS final\n", nil, "alpine:3.20"},
		{"escape directive", "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022 `\n  AS final\nRUN dir c:\\\nFROM final\n", nil, "mcr.microsoft.com/windows/servercore:ltsc2022"},
		{"syntax then escape directive", "# syntax=docker/dockerfile:1\n# escape=`\nFROM alpine `\n  AS x\n", nil, "alpine"},
		{"directive after a comment is a comment", "# hello\n# escape=`\nFROM alpine \\\n  AS x\n", nil, "alpine"},
		{"heredoc body ignored", "FROM alpine:3.20\nRUN <<EOF\nFROM evil:latest\nEOF\nCOPY <<-'CONF' /etc/x\n\tFROM evil:2\n\tCONF\n", nil, "alpine:3.20"},
		{"here-string is not a heredoc", "FROM a:1\nRUN cat <<< hello\nFROM b:2\n", nil, "b:2"},
		{"scratch", "FROM scratch\nCOPY app /\n", nil, Scratch},
		{"scratch final after build", "FROM golang AS build\nFROM scratch\nCOPY --from=build /app /\n", nil, Scratch},
		{"stage from scratch", "FROM scratch AS base\nADD rootfs.tar /\nFROM base\n", nil, Scratch},
		{"digest pinned", "FROM " + pinned + "\n", nil, pinned},
		{"CRLF and BOM", "\ufeffARG V=3\r\nFROM alpine:$V\r\n", nil, "alpine:3"},
		{"escaped dollar", "FROM alpine\\$X\n", nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := FinalFrom([]byte(tc.src), tc.args)
			if tc.want == "" {
				if err == nil {
					t.Fatalf("got %q, want an error", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestFinalFromErrors(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"no FROM", "ARG X=1\nRUN true\n", "no FROM"},
		{"empty", "", "no FROM"},
		{"unset ARG", "ARG IMAGE\nFROM $IMAGE AS x\n", "line 2: FROM \"$IMAGE AS x\" expands to an empty image name"},
		{"FROM alone", "FROM\n", "FROM without an image"},
		{"too many words", "FROM alpine AS a b\n", "FROM wants an image and an optional AS name"},
		{"required ARG", "ARG V\nFROM alpine:${V:?set V to the alpine version}\n", "V: set V to the alpine version"},
		{"unsupported modifier", "ARG V=3.20.1\nFROM alpine:${V%.*}\n", "unsupported modifier"},
		{"unterminated brace", "FROM alpine:${V\n", "unterminated ${"},
		{"unterminated quote", "FROM \"alpine\n", "unterminated double quote"},
		{"bad escape directive", "# escape=x\nFROM alpine\n", "invalid escape directive"},
		{"invalid reference", "FROM Alpine:3\n", "not a valid image reference"},
		{"invalid through alias", "FROM Bad/Name AS a\nFROM a\n", "line 1: FROM \"Bad/Name\" is not a valid image reference"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := FinalFrom([]byte(tc.src), nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %q, %v; want error containing %q", got, err, tc.want)
			}
		})
	}
}

func TestFinalFromBoundsWork(t *testing.T) {
	big := make([]byte, MaxDockerfileSize+1)
	if _, err := FinalFrom(big, nil); err == nil || !strings.Contains(err.Error(), "exceeds") {
		t.Fatalf("oversized input: %v", err)
	}
	// Each ARG doubles the previous one: unbounded, this needs 2^40 bytes.
	var b strings.Builder
	b.WriteString("ARG A0=xxxxxxxx\n")
	for i := 1; i <= 40; i++ {
		b.WriteString("ARG A" + itoa(i) + "=${A" + itoa(i-1) + "}${A" + itoa(i-1) + "}\n")
	}
	b.WriteString("FROM alpine\n")
	if _, err := FinalFrom([]byte(b.String()), nil); err == nil || !strings.Contains(err.Error(), "longer than 65536 bytes") {
		t.Fatalf("doubling ARGs: %v", err)
	}
	deep := "FROM alpine:" + strings.Repeat("${A:-", 100) + "x" + strings.Repeat("}", 100) + "\n"
	if _, err := FinalFrom([]byte(deep), nil); err == nil || !strings.Contains(err.Error(), "nested too deeply") {
		t.Fatalf("deep nesting: %v", err)
	}
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

func TestFromDockerfile(t *testing.T) {
	const d = "sha256:0000000000000000000000000000000000000000000000000000000000000001"
	b, err := FromDockerfile([]byte("FROM alpine:3.20@"+d+"\n"), nil)
	if err != nil || b.Name != "alpine:3.20" || b.Digest != d || b.Source != SourceDockerfile {
		t.Fatalf("got %+v, %v", b, err)
	}
	// Without a tag the pin stays in the name: Check reports ErrNoTag.
	b, err = FromDockerfile([]byte("FROM registry:5000/alpine@"+d+"\n"), nil)
	if err != nil || b.Name != "registry:5000/alpine@"+d || b.Digest != "" {
		t.Fatalf("got %+v, %v", b, err)
	}
	_, err = Check(t.Context(), baseImage(t, amd64, t0), *b, opts())
	if !errors.Is(err, ErrNoTag) {
		t.Fatalf("Check on digest-only pin: %v", err)
	}
}

func TestFinalFromExpansionBudget(t *testing.T) {
	var b strings.Builder
	b.WriteString("ARG A0=" + strings.Repeat("x", 1000) + "\n")
	for i := 1; i <= 6; i++ {
		b.WriteString("ARG A" + itoa(i) + "=${A" + itoa(i-1) + "}${A" + itoa(i-1) + "}\n")
	}
	for b.Len() < MaxDockerfileSize-100 {
		b.WriteString("ARG B=$A6\n") // each copies 64,000 bytes
	}
	b.WriteString("FROM alpine\n")
	start := time.Now()
	_, err := FinalFrom([]byte(b.String()), nil)
	if err == nil || !strings.Contains(err.Error(), "variable expansion produced more than") {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("took %v", d)
	}
}
