// Assembles LifecyclePolicy.evaluate's plain object (bindings-node/src/preview_js.rs compiles this once per JS
// environment and calls it). `documentText` is the whole document as JSON with `previewResults: []`, and
// `actionsText` the distinct actions as a JSON array. The results arrive flattened in two parts, one after the
// other: a part's `text` holds each result's digest, push time (when present) and tags, one after another, and
// its `numbers` hold per result: rule priority, action index + 65536 when archived, the digest's length, the
// push time's length (0xffffffff: null), the tag count, then each tag's length (UTF-16 units).
// Building the objects here is several times faster than JSON.parse of the same results.
(() => {
  function appendResults(results, actions, text, numbers) {
    let at = 0
    let n = 0
    while (n < numbers.length) {
      const priority = numbers[n]
      const kind = numbers[n + 1]
      const digestEnd = at + numbers[n + 2]
      const pushedLength = numbers[n + 3]
      const tagCount = numbers[n + 4]
      n += 5
      const imageDigest = text.slice(at, digestEnd)
      at = digestEnd
      let imagePushedAt = null
      if (pushedLength !== 0xffffffff) {
        imagePushedAt = text.slice(at, at + pushedLength)
        at += pushedLength
      }
      const imageTags = new Array(tagCount)
      for (let t = 0; t < tagCount; t++) {
        const end = at + numbers[n++]
        imageTags[t] = text.slice(at, end)
        at = end
      }
      const a = actions[kind & 0xffff]
      const action =
        a.targetStorageClass === undefined ? { type: a.type } : { type: a.type, targetStorageClass: a.targetStorageClass }
      results.push({
        imageTags,
        imageDigest,
        imagePushedAt,
        action,
        appliedRulePriority: priority,
        storageClass: kind >= 0x10000 ? 'ARCHIVE' : 'STANDARD',
      })
    }
  }
  return function assemblePreview(documentText, actionsText, text, numbers, moreText, moreNumbers) {
    const document = JSON.parse(documentText)
    const actions = JSON.parse(actionsText)
    const results = []
    appendResults(results, actions, text, numbers)
    appendResults(results, actions, moreText, moreNumbers)
    document.previewResults = results
    return document
  }
})()
