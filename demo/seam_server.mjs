// Seam's own fake server (@seamapi/fake-seam-connect), seeded, made to behave like a real lock
// for the demo (scripts/develop) and the browser test (tests/e2e/).
//
// Usage: node demo/seam_server.mjs [--port N] [--delay SECONDS|MIN-MAX] [--exit-on-stdin-close]
//   --port (or SEAM_FAKE_PORT): 0 or nothing picks a free port.
//   --delay (or SEAM_FAKE_DELAY): how long a lock takes to lock or unlock; a range picks a random
//     time in it for each command. Default 1-2 (seconds).
//   --exit-on-stdin-close: exit when stdin closes (the parent died), so no orphan is left.
//   Prints exactly one line `READY <port>` on stdout once the server listens; one line per
//   command on stderr.
//
// What differs from the plain fake:
// - The seed is the fake's own, except that "Back Door" (august_device_2) starts unlocked, so
//   the dashboard shows both states.
// - /locks/lock_door and /locks/unlock_door answer with a `pending` action attempt, as the fake
//   does, but the attempt then really stays `pending` (and the lock keeps its state) for the
//   delay; only then does it become `success` and the lock change. The plain fake stores the
//   attempt as `success` and flips the lock at once.
// - Extra routes (no auth):
//   POST /_demo/fail_next {action: "lock"|"unlock", device_id?, error?: {type, message}}
//     The next such command (on that device, or on any) ends in `error` with that error after
//     the delay; the lock does not change. Several calls queue up.
//   POST /_demo/reset -> back to the seeded state; pending commands and failures are dropped.
import net from 'node:net'
import process from 'node:process'
import { parseArgs } from 'node:util'

import { createFake } from '@seamapi/fake-seam-connect'

const COMMANDS = {
  '/locks/lock_door': { action: 'lock', locked: true },
  '/locks/unlock_door': { action: 'unlock', locked: false },
}
const DEFAULT_ERROR = {
  type: 'uncategorized_error',
  message: 'The lock did not respond to the command.',
}
const STARTS_UNLOCKED = ['august_device_2']

const freePort = () =>
  new Promise((resolve, reject) => {
    const probe = net.createServer()
    probe.unref()
    probe.once('error', reject)
    probe.listen(0, () => {
      const { port } = probe.address()
      probe.close(() => resolve(port))
    })
  })

const parseDelay = (text) => {
  const parts = String(text).split('-').map(Number)
  const [min, max = min] = parts
  if (parts.length > 2 || !(min >= 0) || !(max >= min)) {
    throw new Error(`Invalid delay: ${text} (want seconds, e.g. 1.5, or a range, e.g. 1-2)`)
  }
  return { min, max }
}

const log = (message) => process.stderr.write(`[seam-demo] ${message}\n`)

const readJson = (req) =>
  new Promise((resolve, reject) => {
    const chunks = []
    req.on('data', (chunk) => chunks.push(chunk))
    req.on('error', reject)
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8').trim()
      try {
        resolve(text === '' ? {} : JSON.parse(text))
      } catch (err) {
        reject(err)
      }
    })
  })

const sendJson = (res, status, body) => {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

const main = async () => {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: process.env.SEAM_FAKE_PORT ?? '0' },
      delay: { type: 'string', default: process.env.SEAM_FAKE_DELAY ?? '1-2' },
      'exit-on-stdin-close': { type: 'boolean', default: false },
    },
  })
  let port = Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`Invalid port: ${values.port}`)
  }
  if (port === 0) port = await freePort()
  const delay = parseDelay(values.delay)

  const fake = await createFake()
  await fake.seed()
  const db = fake.database
  for (const device_id of STARTS_UNLOCKED) {
    db.updateDevice({ device_id, properties: { locked: false } })
  }
  // The store is immutable (immer): the state object is a complete snapshot.
  const seeded = await fake.toJSON()

  let generation = 0 // bumped by a reset: commands of an earlier generation are dropped
  let failures = [] // queued by /_demo/fail_next
  const timers = new Set()

  const deviceName = (device_id) => {
    const device = db.devices.find((d) => d.device_id === device_id)
    return device?.properties?.appearance?.name ?? device_id
  }

  const takeFailure = (action, device_id) => {
    const index = failures.findIndex(
      (f) => f.action === action && (f.device_id == null || f.device_id === device_id),
    )
    return index === -1 ? null : failures.splice(index, 1)[0].error
  }

  const finish = (attempt_id, device_id, command, error, started, gen) => {
    if (gen !== generation || db.findActionAttempt({ action_attempt_id: attempt_id }) == null) {
      return
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1)
    if (error != null) {
      db.updateActionAttempt({ action_attempt_id: attempt_id, status: 'error', error })
      log(`${command.action} ${deviceName(device_id)}: error ${error.type} after ${seconds} s`)
      return
    }
    // Both in the same tick: whoever sees the attempt succeed also sees the new state.
    db.updateActionAttempt({ action_attempt_id: attempt_id, status: 'success', result: {} })
    db.updateDevice({ device_id, properties: { locked: command.locked } })
    log(`${command.action} ${deviceName(device_id)}: success after ${seconds} s`)
  }

  // Called with the fake's answer to a lock/unlock command, just before it is sent: undo what
  // the fake already did (attempt `success`, lock flipped) and schedule the real outcome.
  const holdCommand = (req, res, chunk, command, lockedBefore, eventsBefore) => {
    if (res.statusCode !== 200 || chunk == null) return
    const attempt = JSON.parse(Buffer.isBuffer(chunk) ? chunk.toString('utf8') : chunk)
      ?.action_attempt
    const device_id = req.body?.device_id
    if (attempt?.status !== 'pending' || typeof device_id !== 'string') return // e.g. sync: true
    const attempt_id = attempt.action_attempt_id
    db.updateActionAttempt({ action_attempt_id: attempt_id, status: 'pending' })
    db.updateDevice({ device_id, properties: { locked: lockedBefore.get(device_id) } })
    const error = takeFailure(command.action, device_id)
    if (error != null) {
      // The lock will not move: drop the lock.locked/unlocked event the fake added.
      db.setState({ events: db.events.filter((e) => eventsBefore.has(e.event_id)) })
    }
    const ms = 1000 * (delay.min + Math.random() * (delay.max - delay.min))
    const started = Date.now()
    const gen = generation
    log(`${command.action} ${deviceName(device_id)}: pending (${attempt_id}), ${error ? 'will fail' : 'will succeed'} in ${(ms / 1000).toFixed(1)} s`)
    const timer = setTimeout(() => {
      timers.delete(timer)
      finish(attempt_id, device_id, command, error, started, gen)
    }, ms)
    timers.add(timer)
  }

  const handleDemoRoute = async (path, req, res) => {
    if (req.method !== 'POST') {
      req.resume()
      sendJson(res, 405, { ok: false, error: { type: 'method_not_allowed', message: 'POST only' } })
      return
    }
    let body
    try {
      body = await readJson(req)
    } catch {
      sendJson(res, 400, { ok: false, error: { type: 'invalid_input', message: 'Bad JSON' } })
      return
    }
    if (path === '/_demo/reset') {
      generation += 1
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
      failures = []
      await fake.loadJSON(seeded)
      log('reset to the seeded state')
      sendJson(res, 200, { ok: true })
      return
    }
    if (path === '/_demo/fail_next') {
      const { action, device_id = null, error = DEFAULT_ERROR } = body
      const valid =
        (action === 'lock' || action === 'unlock') &&
        (device_id === null || typeof device_id === 'string') &&
        typeof error?.type === 'string' &&
        typeof error?.message === 'string'
      if (!valid) {
        sendJson(res, 400, {
          ok: false,
          error: {
            type: 'invalid_input',
            message: 'Want {action: "lock"|"unlock", device_id?, error?: {type, message}}',
          },
        })
        return
      }
      failures.push({ action, device_id, error: { type: error.type, message: error.message } })
      log(`the next ${action} of ${device_id ? deviceName(device_id) : 'any lock'} fails: ${error.type}`)
      sendJson(res, 200, { ok: true })
      return
    }
    sendJson(res, 404, { ok: false, error: { type: 'not_found', message: `No route ${path}` } })
  }

  // baseUrl is what the fake writes into `next_page_url` etc.: use the address clients use.
  const server = await fake.startServer({ port, baseUrl: `http://127.0.0.1:${port}` })
  const httpServer = server.server
  const fakeHandlers = httpServer.listeners('request')
  httpServer.removeAllListeners('request')
  httpServer.on('request', (req, res) => {
    const path = req.url?.split('?')[0] ?? ''
    if (path.startsWith('/_demo/')) {
      handleDemoRoute(path, req, res).catch((err) => {
        log(`${path} failed: ${err?.stack ?? err}`)
        if (!res.headersSent) sendJson(res, 500, { ok: false })
      })
      return
    }
    const command = COMMANDS[path]
    if (command != null) {
      // The fake sets req.body, answers with res.end(json) and changes its store in the same
      // tick; the device id is only known once it parsed the body, so look back from res.end.
      const lockedBefore = new Map(db.devices.map((d) => [d.device_id, d.properties?.locked]))
      const eventsBefore = new Set(db.events.map((e) => e.event_id))
      const end = res.end
      res.end = function (chunk, ...rest) {
        res.end = end
        try {
          holdCommand(req, res, chunk, command, lockedBefore, eventsBefore)
        } catch (err) {
          log(`could not delay ${path}: ${err?.stack ?? err}`)
        }
        return end.call(this, chunk, ...rest)
      }
    }
    for (const handler of fakeHandlers) handler.call(httpServer, req, res)
  })

  const stop = () => {
    for (const timer of timers) clearTimeout(timer)
    process.exit(0)
  }
  if (values['exit-on-stdin-close']) {
    process.stdin.on('end', stop)
    process.stdin.on('error', stop)
    process.stdin.resume()
  }
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, stop)

  process.stdout.write(`READY ${port}\n`)
}

main().catch((err) => {
  process.stderr.write(`seam demo server failed: ${err?.stack ?? err}\n`)
  process.exit(1)
})
