# Bulwark's container image: a static binary, the system CA roots, nothing
# else (no shell, no package manager), running as a non-root user.
# test/deploy builds the same image as an OCI layout with
# go-containerregistry and scans it with Bulwark itself.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/bulwark ./cmd/bulwark

FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/bulwark /bulwark
USER 65532:65532
ENTRYPOINT ["/bulwark"]
