// Test images shared by the verify and registry suites: a manifest put straight into the emulator, and a real
// one-layer OCI image pushed to the local registry with skopeo and mirrored into the emulator.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { createHash, sign } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'

import { emulator, unique } from './emulator.mjs'

export const MEDIA = 'application/vnd.oci.image.manifest.v1+json'
export const sha = (data) => 'sha256:' + createHash('sha256').update(data).digest('hex')

export async function putImage(client, tag) {
  const name = unique('node-verify')
  await client.createRepository(name)
  const body = JSON.stringify({
    schemaVersion: 2,
    mediaType: MEDIA,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(name), size: 2 },
    layers: [],
  })
  const digest = sha(body)
  await client.putImage(name, body, { mediaType: MEDIA, tag, digest })
  return [name, digest]
}

/** A one-layer OCI image layout (tar built by hand: one 512-byte header + content, two zero blocks). */
export function ociImage(dir, runtime, tag) {
  const blobs = join(dir, 'blobs', 'sha256')
  mkdirSync(blobs, { recursive: true })
  const blob = (data) => {
    const d = sha(data)
    writeFileSync(join(blobs, d.slice(7)), data)
    return [d, data.length]
  }
  const content = Buffer.from('hello from node\n')
  const header = Buffer.alloc(512)
  header.write('hello.txt', 0)
  header.write('0000644\0', 100)
  header.write('0000000\0', 108)
  header.write('0000000\0', 116)
  header.write(content.length.toString(8).padStart(11, '0') + '\0', 124)
  header.write('00000000000\0', 136)
  header.write('        ', 148)
  header.write('0', 156)
  header.write('ustar\0' + '00', 257)
  let sum = 0
  for (const b of header) sum += b
  header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148)
  const pad = Buffer.alloc((512 - (content.length % 512)) % 512)
  const tar = Buffer.concat([header, content, pad, Buffer.alloc(1024)])
  const [ld, ls] = blob(gzipSync(tar))
  const config = { architecture: 'amd64', os: 'linux', config: runtime, rootfs: { type: 'layers', diff_ids: [sha(tar)] } }
  const [cd, cs] = blob(Buffer.from(JSON.stringify(config)))
  const manifest = {
    schemaVersion: 2,
    mediaType: MEDIA,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: cd, size: cs },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: ld, size: ls }],
  }
  const [md, ms] = blob(Buffer.from(JSON.stringify(manifest)))
  writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion": "1.0.0"}')
  writeFileSync(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType: MEDIA, digest: md, size: ms, annotations: { 'org.opencontainers.image.ref.name': tag } }],
    }),
  )
}

/** Pushes the layout with skopeo and mirrors it into the emulator (creating the repository unless `create` is false). */
export async function pushAndMirror(client, dir, repo, tag, create = true) {
  const env = emulator()
  const creds = `${env.LOCAL_REGISTRY_USER}:${env.LOCAL_REGISTRY_PASSWORD}`
  const out = spawnSync('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', '--dest-creds', creds,
    `oci:${dir}:${tag}`, `docker://${env.LOCAL_REGISTRY_HOST}/${repo}:${tag}`], { encoding: 'utf8' })
  assert.equal(out.status, 0, out.stderr)
  const res = await fetch(`${env.LOCAL_REGISTRY_URL}/v2/${repo}/manifests/${tag}`, {
    headers: { Accept: MEDIA, Authorization: 'Basic ' + Buffer.from(creds).toString('base64') },
  })
  const body = await res.text()
  assert.equal(res.status, 200, body)
  const digest = sha(body)
  if (create) await client.createRepository(repo)
  await client.putImage(repo, body, { mediaType: MEDIA, tag, digest })
  return digest
}

export const hasSkopeo = spawnSync('skopeo', ['--version']).status === 0


/**
 * Signs `signed` (a digest) with `privateKey` (node:crypto, ECDSA P-256, ASN.1 DER as cosign writes it) in a
 * cosign simple-signing payload and pushes the signature with skopeo at the legacy `sha256-<hex>.sig` tag of `at`
 * (default: the same digest; another digest's tag when a test moves a signature).
 */
export function pushCosignSignature(dir, host, repo, privateKey, signed, at = signed) {
  const env = emulator()
  const payload = Buffer.from(JSON.stringify({
    critical: { identity: { 'docker-reference': `${host}/${repo}` }, image: { 'docker-manifest-digest': signed },
      type: 'cosign container image signature' },
    optional: null,
  }))
  const signature = sign('sha256', payload, privateKey).toString('base64')
  const layout = join(dir, `sig-${signed.slice(7, 19)}-${at.slice(7, 19)}`)
  const blobs = join(layout, 'blobs', 'sha256')
  mkdirSync(blobs, { recursive: true })
  const blob = (data) => {
    writeFileSync(join(blobs, sha(data).slice(7)), data)
    return { digest: sha(data), size: data.length }
  }
  const config = Buffer.from('{"architecture":"","os":"","rootfs":{"type":"layers","diff_ids":[]}}')
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: MEDIA,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...blob(config) },
    layers: [{ mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json', ...blob(payload),
      annotations: { 'dev.cosignproject.cosign/signature': signature } }],
  }))
  const tag = `${at.replace(':', '-')}.sig`
  writeFileSync(join(layout, 'oci-layout'), '{"imageLayoutVersion": "1.0.0"}')
  writeFileSync(join(layout, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [
    { mediaType: MEDIA, ...blob(manifest), annotations: { 'org.opencontainers.image.ref.name': tag } }] }))
  const creds = `${env.LOCAL_REGISTRY_USER}:${env.LOCAL_REGISTRY_PASSWORD}`
  const out = spawnSync('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', '--dest-creds', creds,
    `oci:${layout}:${tag}`, `docker://${env.LOCAL_REGISTRY_HOST}/${repo}:${tag}`], { encoding: 'utf8' })
  assert.equal(out.status, 0, out.stderr)
}
