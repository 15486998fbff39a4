// Seam's own fake server (@seamapi/fake-seam-connect), seeded, for the Python tests.
//
// Usage: node tests/fake_seam/server.mjs [port] [--exit-on-stdin-close]
//   The port comes from argv or SEAM_FAKE_PORT; 0 or nothing picks a free port.
//   Prints exactly one line `READY <port>` on stdout once the server listens.
//   With --exit-on-stdin-close the process exits when its stdin closes (i.e. its parent died).
//
// Extra routes (no auth), added on top of the fake's own ones:
//   POST /_test/reset -> restores the state captured right after seeding, in place
//   (`fake.loadJSON(snapshot)`: a single in-memory store update, no restart).
//   POST /_test/svix_secrets -> from now on (until the next reset) webhooks the fake creates get
//   a Svix secret (`whsec_` + base64, as production hands out) instead of `fake_secret_<hex>`.
import { randomBytes } from 'node:crypto'
import net from 'node:net'
import process from 'node:process'

import { createFake } from '@seamapi/fake-seam-connect'

const RESET_PATH = '/_test/reset'
const SVIX_SECRETS_PATH = '/_test/svix_secrets'

// The fake's store (zustand) holds its actions too: wrap addWebhook to hand out Svix secrets.
const useSvixSecrets = (fake) => {
  const addWebhook = fake.database.getState().addWebhook
  fake.database.setState({
    addWebhook: (params) => {
      const webhook = addWebhook(params)
      const secret = `whsec_${randomBytes(24).toString('base64')}`
      fake.database.setState({
        webhooks: fake.database
          .getState()
          .webhooks.map((w) => (w.webhook_id === webhook.webhook_id ? { ...w, secret } : w)),
      })
      return { ...webhook, secret }
    },
  })
}

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

const main = async () => {
  const args = process.argv.slice(2)
  const portArg = args.find((arg) => !arg.startsWith('--')) ?? process.env.SEAM_FAKE_PORT ?? '0'
  let port = Number(portArg)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`Invalid port: ${portArg}`)
  }
  if (port === 0) port = await freePort()

  const fake = await createFake()
  await fake.seed()
  // The store is immutable (immer): keeping the seeded state object is a complete snapshot.
  const seeded = await fake.toJSON()

  // baseUrl is what the fake writes into `next_page_url` etc.: use the address tests use.
  const server = await fake.startServer({ port, baseUrl: `http://127.0.0.1:${port}` })
  const httpServer = server.server

  const fakeHandlers = httpServer.listeners('request')
  httpServer.removeAllListeners('request')
  httpServer.on('request', (req, res) => {
    if (req.url?.split('?')[0] === SVIX_SECRETS_PATH) {
      req.resume()
      useSvixSecrets(fake)
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ ok: true }))
      return
    }
    if (req.url?.split('?')[0] === RESET_PATH) {
      req.resume()
      if (req.method !== 'POST') {
        res.writeHead(405, { 'content-type': 'application/json', allow: 'POST' })
        res.end(JSON.stringify({ ok: false }))
        return
      }
      fake.loadJSON(seeded).then(
        () => {
          res.writeHead(200, { 'content-type': 'application/json' })
          res.end(JSON.stringify({ ok: true }))
        },
        (err) => {
          res.writeHead(500, { 'content-type': 'application/json' })
          res.end(JSON.stringify({ ok: false, message: String(err) }))
        },
      )
      return
    }
    for (const handler of fakeHandlers) handler.call(httpServer, req, res)
  })

  if (args.includes('--exit-on-stdin-close')) {
    process.stdin.on('end', () => process.exit(0))
    process.stdin.on('error', () => process.exit(0))
    process.stdin.resume()
  }
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => process.exit(0))
  }

  process.stdout.write(`READY ${port}\n`)
}

main().catch((err) => {
  process.stderr.write(`fake-seam server failed: ${err?.stack ?? err}\n`)
  process.exit(1)
})
