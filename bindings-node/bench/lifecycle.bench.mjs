// Lifecycle evaluation from Node on the benchmark input (100k images x 10 rules).
//
//   node lifecycle.bench.mjs DIR [--repeat N]
//
// DIR holds images.json, policy.json and meta.json as written by the `lifecycle_bench_input` program (the same
// repository and policy as the Rust criterion bench benches/benches/lifecycle.rs). Prints one JSON line per
// input form, best of N (process.hrtime.bigint). Each form runs in a fresh Node process (`--form NAME`), so no
// form times the heap an earlier one left behind; each process first allocates and frees one 31 MiB block, as
// the Rust bench process does when it frees the text it parsed (glibc then serves blocks up to that size from
// its heap instead of mapping each anew):
// - images->result: a LifecycleImages parsed once, evaluated with evaluatePreview (the result stays in Rust;
//   only the summary crosses): the fast path;
// - images->result+read: the same, then every result read through the handle (expiringDigests, summary,
//   toText(): every result as text); the handle evaluated once, so reading costs no evaluation (goal: <= 2x
//   Rust's evaluate + into_owned);
// - images->result+toJSON: the same handle, then every result as objects (toJSON());
// - images: the same, with the whole preview returned as a plain object (evaluate);
// - text: the describe-images JSON text, parsed in Rust and evaluated each time;
// - objects: an array of ImageDetail objects converted and evaluated each time;
// - floor: no ecr-core call at all: plain JS building the same document (fresh result objects, tag arrays,
//   action objects and collateral-tag entries) from values already in the heap (one array of strings and
//   numbers per entry, made untimed from one `evaluate` result). Any plain-object result costs at least this in
//   V8 on top of the evaluation itself.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'

const require = createRequire(import.meta.url)
const { LifecycleImages, LifecyclePolicy } = require(process.env.ECR_CORE_NODE_PACKAGE ?? '../index.js').lifecycle

const dir = process.argv[2]
const at = process.argv.indexOf('--repeat')
const repeat = at > 0 ? Number(process.argv[at + 1]) : 10
const formAt = process.argv.indexOf('--form')
const only = formAt > 0 ? process.argv[formAt + 1] : undefined
const FORMS = ['images->result', 'images->result+read', 'images->result+toJSON', 'images', 'text', 'objects', 'floor']
if (only === undefined) {
  for (const form of FORMS) {
    const args = ['--expose-gc', process.argv[1], dir, '--repeat', String(repeat), '--form', form]
    const { status } = spawnSync(process.execPath, args, { stdio: 'inherit' })
    assert.equal(status, 0, `form ${form}`)
  }
  process.exit(0)
}
// The allocator state of a process that has freed a large block (see above).
Buffer.allocUnsafeSlow(31 << 20)
globalThis.gc?.() // the forms run with --expose-gc (above)
const text = readFileSync(join(dir, 'images.json'), 'utf8')
const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'))
const policy = LifecyclePolicy.fromJson(readFileSync(join(dir, 'policy.json'), 'utf8'))
const images = LifecycleImages.fromJson(text)
const objects = JSON.parse(text)
assert.equal(images.length, meta.images)

const forms = {
  'images->result': () => policy.evaluatePreview(images, { now: meta.now }),
  'images->result+read': () => {
    const preview = policy.evaluatePreview(images, { now: meta.now })
    assert.ok(preview.expiringDigests.length + preview.summary.expiringImageTotalCount < preview.toText().length)
    return preview
  },
  'images->result+toJSON': () => {
    const preview = policy.evaluatePreview(images, { now: meta.now })
    assert.ok(preview.expiringDigests.length <= preview.toJSON().previewResults.length)
    return preview
  },
  images: () => policy.evaluate(images, { now: meta.now }),
  text: () => policy.evaluate(text, { now: meta.now }),
  objects: () => policy.evaluate(objects, { now: meta.now }),
}
assert.deepEqual([...Object.keys(forms), 'floor'], FORMS)
for (const [form, run] of Object.entries(forms)) {
  if (form !== only) continue
  const n = form.startsWith('images') ? repeat : Math.max(3, Math.floor(repeat / 3))
  let best = Infinity
  let expiring
  for (let i = 0; i < n; i++) {
    const start = process.hrtime.bigint()
    const preview = run()
    const ms = Number(process.hrtime.bigint() - start) / 1e6
    best = Math.min(best, ms)
    expiring = preview.summary.expiringImageTotalCount
  }
  assert.equal(expiring, meta.expiringImageTotalCount)
  console.log(JSON.stringify({ impl: 'node', form, images: meta.images, rules: meta.rules, expiring, best_ms: best, repeat: n }))
}

if (only !== 'floor') process.exit(0)

// The allocation floor: the same document's objects built by an optimised JS loop from values already in the heap.
const document = policy.evaluate(images, { now: meta.now })
const results = document.previewResults
// The bench's policy protects, blocks and warns about nothing: those arrays are empty.
for (const key of ['protectedImages', 'blockedImages', 'followingSubject', 'warnings']) assert.equal(document[key].length, 0)
const collateral = document.collateralTags.map((c) => [c.imageDigest, c.appliedRulePriority, c.matchedTags.slice(), c.collateralTags.slice()])
const values = results.map((r) => [
  r.imageTags.slice(),
  r.imageDigest,
  r.imagePushedAt,
  r.action.type,
  r.action.targetStorageClass,
  r.appliedRulePriority,
  r.storageClass,
])
const copy = () => ({
  previewResults: values.map(([tags, digest, pushedAt, type, target, priority, storageClass]) => ({
    imageTags: tags.slice(),
    imageDigest: digest,
    imagePushedAt: pushedAt,
    action: target === undefined ? { type } : { type, targetStorageClass: target },
    appliedRulePriority: priority,
    storageClass,
  })),
  summary: { ...document.summary },
  reclaimedBytes: { ...document.reclaimedBytes },
  protectedImages: [],
  blockedImages: [],
  collateralTags: collateral.map(([imageDigest, appliedRulePriority, matched, collateralTags]) => ({
    imageDigest,
    appliedRulePriority,
    matchedTags: matched.slice(),
    collateralTags: collateralTags.slice(),
  })),
  followingSubject: [],
  warnings: [],
})
assert.deepStrictEqual(copy(), document)
let floor = Infinity
for (let i = 0; i < repeat; i++) {
  const start = process.hrtime.bigint()
  const copied = copy()
  floor = Math.min(floor, Number(process.hrtime.bigint() - start) / 1e6)
  assert.equal(copied.previewResults.length, results.length)
}
console.log(JSON.stringify({ impl: 'node', form: 'floor', images: meta.images, rules: meta.rules, results: results.length, best_ms: floor, repeat }))
