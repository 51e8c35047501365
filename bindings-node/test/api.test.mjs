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
    if (/^export declare namespace /.test(line)) return
    const declaration = /^( {2})?export (declare |interface |class |function |const |type )/.test(line)
    const member = /^( {2}| {4})(constructor|get |static |[a-z][A-Za-z]*\()/.test(line)
    if ((declaration || member) && !dts[i - 1].trim().endsWith('*/')) undocumented.push(line.trim())
  })
  assert.deepEqual(undocumented, [])
})

/** The names `index.d.ts` declares at the top level and in each capability namespace. */
function declarations() {
  const scopes = { '': [] }
  let scope = ''
  for (const line of dts) {
    const ns = /^export declare namespace ([a-z]+) \{/.exec(line)
    if (ns) {
      scope = ns[1]
      scopes[scope] = []
      continue
    }
    if (line === '}') scope = ''
    const name = /^ *export (?:declare )?(?:function|class|const) ([A-Za-z_][A-Za-z0-9_]*)/.exec(line)?.[1]
    if (name) scopes[scope].push(name)
  }
  return scopes
}

test('the runtime exports are the declared ones, grouped by capability', () => {
  const ecr = require('../index.js')
  const scopes = declarations()
  assert.deepEqual(Object.keys(scopes).filter(Boolean).sort(), ['auth', 'inventory', 'lifecycle', 'reference', 'scan', 'settings', 'tagging', 'verify'])
  const top = [...scopes[''], ...Object.keys(scopes).filter(Boolean)]
  for (const name of top) assert.ok(name in ecr, `${name} declared but not exported`)
  for (const name of Object.keys(ecr)) assert.ok(top.includes(name), `${name} exported but not declared`)
  for (const [ns, names] of Object.entries(scopes).filter(([ns]) => ns)) {
    assert.deepEqual(Object.keys(ecr[ns]).sort(), [...names].sort(), ns)
  }
  assert.ok(scopes[''].length <= 12, `the top level keeps the client and the errors: ${scopes['']}`)
})
