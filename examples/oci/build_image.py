#!/usr/bin/env python3
"""Builds a small single-platform OCI image layout with nothing but the standard library.

    build_image.py DIR [--tag build] [--arch amd64] [--user 10001:10001] [--label KEY=VALUE]...

The image: one gzip'd tar layer holding /hello.txt, a config whose `User` is non-root and whose `Labels`
are the given OCI labels, and an OCI manifest. Prints the manifest's digest (sha256 of its exact bytes,
the digest a registry will serve). Copy it with `skopeo copy oci:DIR:TAG docker://HOST/REPO:TAG`.
Deterministic: the same arguments give the same digest.
"""
import argparse
import gzip
import hashlib
import io
import json
import os
import tarfile


def blob(layout: str, data: bytes) -> dict:
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    with open(os.path.join(layout, "blobs", "sha256", digest[7:]), "wb") as f:
        f.write(data)
    return {"digest": digest, "size": len(data)}


def layer_bytes(content: bytes) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        info = tarfile.TarInfo("hello.txt")
        info.size, info.mtime, info.mode = len(content), 0, 0o644
        tar.addfile(info, io.BytesIO(content))
    return buf.getvalue()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir")
    ap.add_argument("--tag", default="build")
    ap.add_argument("--arch", default="amd64")
    ap.add_argument("--user", default="10001:10001")
    ap.add_argument("--label", action="append", default=[], metavar="KEY=VALUE")
    args = ap.parse_args()

    os.makedirs(os.path.join(args.dir, "blobs", "sha256"), exist_ok=True)
    with open(os.path.join(args.dir, "oci-layout"), "w") as f:
        f.write('{"imageLayoutVersion":"1.0.0"}')

    tar = layer_bytes(b"hello from ecr-core's release pipeline demo\n")
    layer = blob(args.dir, gzip.compress(tar, mtime=0))
    labels = dict(label.split("=", 1) for label in args.label)
    config = {
        "architecture": args.arch,
        "os": "linux",
        "config": {"User": args.user, "Labels": labels, "Cmd": ["/hello.txt"]},
        "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(tar).hexdigest()]},
        "history": [{"created_by": "examples/oci/build_image.py"}],
    }
    config_desc = blob(args.dir, json.dumps(config, sort_keys=True).encode())
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", **config_desc},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", **layer}],
        "annotations": labels,
    }
    manifest_desc = blob(args.dir, json.dumps(manifest, sort_keys=True).encode())
    index = {
        "schemaVersion": 2,
        "manifests": [
            {
                "mediaType": "application/vnd.oci.image.manifest.v1+json",
                **manifest_desc,
                "annotations": {"org.opencontainers.image.ref.name": args.tag},
            }
        ],
    }
    with open(os.path.join(args.dir, "index.json"), "w") as f:
        json.dump(index, f)
    print(manifest_desc["digest"])


if __name__ == "__main__":
    main()
