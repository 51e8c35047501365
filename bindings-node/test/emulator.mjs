// The local ECR emulator for the node tests: the exported environment when AWS_ENDPOINT_URL is set
// (scripts/test starts it), otherwise a private instance started with `scripts/local-ecr start` in a temp
// state dir and stopped when this process exits.
import { execFileSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

let cached
let counter = 0

/** The emulator's environment (AWS_ENDPOINT_URL, AWS_REGION, dummy credentials, LOCAL_REGISTRY_*). */
export function emulator() {
  if (cached) return cached
  if (process.env.AWS_ENDPOINT_URL) {
    cached = { ...process.env }
    return cached
  }
  const state = mkdtempSync(join(tmpdir(), 'ecr-core-node-test-'))
  const env = { ...process.env, LOCAL_ECR_DIR: state, LOCAL_ECR_WATCH_PID: String(process.pid) }
  const out = execFileSync(join(root, 'scripts', 'local-ecr'), ['start'], { env, encoding: 'utf8' })
  const exports = {}
  for (const line of out.split('\n')) {
    const m = /^export ([A-Z0-9_]+)=(.*)$/.exec(line)
    if (m) exports[m[1]] = m[2].replace(/^"|"$/g, '')
  }
  Object.assign(process.env, exports)
  process.on('exit', () => {
    try {
      execFileSync(join(root, 'scripts', 'local-ecr'), ['stop'], { env, stdio: 'ignore' })
    } catch {}
  })
  cached = exports
  return cached
}

/** A repository name unique to this test run (tests share one emulator). */
export function unique(prefix) {
  return `${prefix}-node${process.pid}-${counter++}`
}
