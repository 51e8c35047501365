// The public surface: every declaration of the generated index.d.ts carries JSDoc, and the exports match it.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { test } from 'node:test'

const require = createRequire(import.meta.url)
const dts = readFileSync(new URL('../index.d.ts', import.meta.url), 'utf8').split('\n')

test('every exported declaration and class member has JSDoc', () => {
  const undocumented = []
  dts.forEach((line, i) => {
    // napi writes no JSDoc for a namespace itself; each of its functions has its own.
    const declaration = /^export (declare (?!namespace)|interface )/.test(line)
    const member = /^ {2}(constructor|get |export function |[a-z][A-Za-z]*\()/.test(line)
    if ((declaration || member) && !dts[i - 1].trim().endsWith('*/')) undocumented.push(line.trim())
  })
  assert.deepEqual(undocumented, [])
})

test('the runtime exports are the declared ones', () => {
  const ecr = require('../index.js')
  const declared = dts
    .map((l) => /^export declare (?:function|class|const|namespace) ([A-Za-z_][A-Za-z0-9_]*)/.exec(l)?.[1])
    .filter(Boolean)
  for (const name of declared) assert.ok(name in ecr, `${name} declared but not exported`)
  for (const name of Object.keys(ecr)) assert.ok(declared.includes(name), `${name} exported but not declared`)
})
