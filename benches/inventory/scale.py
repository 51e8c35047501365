"""Scale of the inventory: ECS services, Lambda functions and repositories in a fresh local emulator (moto's
server, started by scripts/local-ecr), then `inventory discover` (ECS + Lambda, tags resolved in ECR) and
`inventory report` (every repository's lifecycle policy against the inventory), each timed, with its API calls
counted by moto's request recorder, and its CPU time and peak memory read from the process's own resource
usage (what the program spends, apart from the emulator's time answering).

    .venv/bin/python benches/inventory/scale.py --bin target/.../inventory [--sizes 100 1000]

Size N means N ECS services (one task definition family each), 0.3 N image-based Lambda functions (one
published version and an alias each) and N repositories, each with one image and a lifecycle policy. Prints a
markdown table.
"""

import argparse
import collections
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import boto3

ROOT = Path(__file__).resolve().parents[2]
POLICY = json.dumps({"rules": [{"rulePriority": 1, "description": "expire everything older than a day",
    "selection": {"tagStatus": "any", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 1},
    "action": {"type": "expire"}}]})


def start_emulator(state):
    # In the state directory, where moto's request recorder writes its file.
    out = subprocess.run([ROOT / "scripts/local-ecr", "start"], env={**os.environ, "LOCAL_ECR_DIR": state},
                         cwd=state, check=True, capture_output=True, text=True).stdout
    env = {}
    for line in out.splitlines():
        if line.startswith("export ") and "=" in line:
            k, v = line[len("export "):].split("=", 1)
            env[k] = v.strip('"')
    return env


def populate(env, n):
    session = boto3.session.Session(aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
                                    aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
                                    region_name=env["AWS_REGION"])
    ecr, ecs, lam, iam = (session.client(s, endpoint_url=env["AWS_ENDPOINT_URL"])
                          for s in ("ecr", "ecs", "lambda", "iam"))
    role = iam.create_role(RoleName="bench", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                       "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
    ecs.create_cluster(clusterName="bench")
    for i in range(n):
        name = f"repo{i:05d}"
        uri = ecr.create_repository(repositoryName=name)["repository"]["repositoryUri"]
        manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": i,
                       "digest": f"sha256:{i:064x}"}, "layers": []})
        digest = "sha256:" + hashlib.sha256(manifest.encode()).hexdigest()
        ecr.put_image(repositoryName=name, imageManifest=manifest, imageTag="v1", imageDigest=digest)
        ecr.put_lifecycle_policy(repositoryName=name, lifecyclePolicyText=POLICY)
        td = ecs.register_task_definition(family=f"svc{i:05d}", containerDefinitions=[
            {"name": "app", "image": f"{uri}:v1", "memory": 256}])["taskDefinition"]["taskDefinitionArn"]
        ecs.create_service(cluster="bench", serviceName=f"svc{i:05d}", taskDefinition=td, desiredCount=1)
        if i % 10 < 3:
            fn = f"fn{i:05d}"
            lam.create_function(FunctionName=fn, Role=role, PackageType="Image", Code={"ImageUri": f"{uri}:v1"})
            version = lam.publish_version(FunctionName=fn)["Version"]
            lam.create_alias(FunctionName=fn, Name="live", FunctionVersion=version)


def recorder(env, action):
    req = urllib.request.Request(f"{env['AWS_ENDPOINT_URL']}/moto-api/recorder/{action}", method="POST")
    urllib.request.urlopen(req).read()


def calls(env):
    """The recorded requests since the last reset, by service."""
    text = urllib.request.urlopen(f"{env['AWS_ENDPOINT_URL']}/moto-api/recorder/download-recording").read()
    by = collections.Counter()
    for line in text.decode().splitlines():
        if not line.strip():
            continue
        entry = json.loads(line)
        headers = {k.lower(): v for k, v in entry["headers"].items()}
        target = headers.get("x-amz-target", "")
        if "AmazonEC2ContainerRegistry" in target:
            by["ecr"] += 1
        elif "AmazonEC2ContainerService" in target:
            by["ecs"] += 1
        elif "/functions" in entry.get("url", "") or "lambda" in headers.get("authorization", ""):
            by["lambda"] += 1
        else:
            by["other"] += 1
    return by


def measure(env, args):
    """Runs the program; returns (wall seconds, its CPU seconds, peak RSS MiB, exit code)."""
    recorder(env, "reset-recording")
    recorder(env, "start-recording")
    t0 = time.monotonic()
    proc = subprocess.Popen(args, env={**os.environ, **env}, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.monotonic() - t0
    recorder(env, "stop-recording")
    cpu = usage.ru_utime + usage.ru_stime
    return seconds, cpu, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True, help="the inventory program")
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    opts = parser.parse_args()
    rows = []
    for n in opts.sizes:
        with tempfile.TemporaryDirectory() as state:
            env = start_emulator(state)
            try:
                t0 = time.monotonic()
                populate(env, n)
                print(f"size {n}: populated in {time.monotonic() - t0:.0f} s", file=sys.stderr)
                out = Path(state) / "inventory.json"
                discover = [opts.bin, "discover", "--service", "ecs", "--service", "lambda", "--no-referrers-api",
                            "--no-service-deployments", "--output", str(out)]
                secs, cpu, rss, code = measure(env, discover)
                assert code == 0, f"discover exited {code}"
                by = calls(env)
                doc = json.loads(out.read_text())
                rows.append((f"discover, {n} services + {n * 3 // 10} functions", secs, cpu, rss, by, len(doc["images"])))
                report = [opts.bin, "report", "--inventory", str(out), "--now", "2099-01-01T00:00:00Z"]
                secs, cpu, rss, code = measure(env, report)
                assert code == 1, f"report exited {code} (every repository's image is in use)"
                rows.append((f"report, {n} repositories", secs, cpu, rss, calls(env), None))
            finally:
                subprocess.run([ROOT / "scripts/local-ecr", "stop"], env={**os.environ, "LOCAL_ECR_DIR": state},
                               capture_output=True)
    print("| run | wall time | program CPU | API calls (ECS / Lambda / ECR) | peak RSS | digests in use |")
    print("|---|---|---|---|---|---|")
    for name, secs, cpu, rss, by, images in rows:
        total = sum(by.values())
        split = f"{by['ecs']} / {by['lambda']} / {by['ecr']}" + (f" (+{by['other']} other)" if by["other"] else "")
        print(f"| {name} | {secs:.2f} s | {cpu:.2f} s | {total} ({split}) | {rss:.0f} MiB | {images if images is not None else ''} |")


if __name__ == "__main__":
    main()
