// A real OpenID Connect provider for hub's single sign-on tests: the certified `oidc-provider`
// package with test accounts, a plain HTML login form (driven by HTTP form posts or a browser),
// open dynamic client registration (each test registers hub's address), back-channel logout,
// RP-initiated logout (with a plain confirmation page), and test-only controls under /test/ to
// disable an account and to send a logout token.
//
// Usage: node provider.mjs <port>   (prints "READY <issuer>" on stdout once it listens)
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { createServer } from 'node:http';

import Provider, { interactionPolicy } from 'oidc-provider';

const port = Number(process.argv[2] || 0);
const PASSWORD = 'provider-password';

// sub, e-mail, whether the provider vouches for it, name and the groups claim hub maps to roles.
const accounts = new Map(
  [
    ['sub-ada', 'ada@example.com', true, 'Ada Lovelace', ['hub-admins']],
    ['sub-cy', 'cy@example.com', true, 'Cy Comms', ['comms-team', 'everyone']],
    ['sub-emp', 'emp@example.com', true, 'Emil Employee', ['everyone']],
    ['sub-out', 'out@elsewhere.org', true, 'Otto Outsider', ['everyone']],
    ['sub-unverified', 'unverified@example.com', false, 'Una Unverified', ['everyone']],
    ['sub-pw', 'pw@example.com', true, 'Pat Password', ['everyone']],
    ['sub-pw-unverified', 'pw2@example.com', false, 'Pia Password', ['everyone']],
  ].map(([sub, email, verified, name, groups]) => [sub, { sub, email, verified, name, groups, disabled: false }]),
);
const byEmail = (email) => [...accounts.values()].find((a) => a.email === String(email || '').trim().toLowerCase());
// The provider session id each account got for each client, so /test/logout can name it.
const sids = new Map();

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key-1', use: 'sig', alg: 'RS256' };

// A provider session whose account was disabled since asks for the login again (where the
// account is then refused), as a company's provider does once an account is removed.
const policy = interactionPolicy.base();
policy.get('login').checks.add(new interactionPolicy.Check(
  'account_disabled',
  'the account was disabled',
  (ctx) => (accounts.get(ctx.oidc.session.accountId)?.disabled ? interactionPolicy.Check.REQUEST_PROMPT : interactionPolicy.Check.NO_NEED_TO_PROMPT),
));

// The provider's "sign out?" page (RP-initiated logout), plain: the default one loads web fonts.
async function logoutSource(ctx, form) {
  ctx.body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Company sign-out</title></head>
<body><h1>Sign out of the company account?</h1>${form}
<button type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>
<button type="submit" form="op.logoutForm">No, stay signed in</button></body></html>`;
}

const issuer = `http://127.0.0.1:${port}`;
const provider = new Provider(issuer, {
  jwks: { keys: [jwk] },
  cookies: { keys: [randomBytes(16).toString('hex')] },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
    groups: ['groups'],
  },
  scopes: ['openid', 'email', 'profile', 'groups'],
  conformIdTokenClaims: false, // the ID token carries the claims (hub reads them there)
  features: {
    devInteractions: { enabled: false },
    registration: { enabled: true },
    backchannelLogout: { enabled: true },
    rpInitiatedLogout: { enabled: true, logoutSource },
  },
  pkce: { required: () => true },
  async findAccount(_ctx, id) {
    const account = accounts.get(id);
    if (!account || account.disabled) return undefined;
    return {
      accountId: id,
      async claims() {
        return {
          sub: id,
          email: account.email,
          email_verified: account.verified,
          name: account.name,
          groups: account.groups,
        };
      },
    };
  },
  interactions: { policy, url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  ttl: { Session: 3600, Interaction: 600, Grant: 3600 },
});
provider.on('server_error', (_ctx, err) => console.error(err));
provider.on('authorization.success', (ctx) => {
  const { session, client } = ctx.oidc;
  if (session?.accountId && client) {
    sids.set(`${session.accountId}|${client.clientId}`, session.sidFor(client.clientId));
  }
});

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const loginPage = (uid, error) => `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Company sign-in</title></head><body><h1>Company sign-in</h1>
${error ? `<p role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
<label>E-mail <input name="login" id="login" autocomplete="username"></label>
<label>Password <input name="password" id="password" type="password"></label>
<button type="submit">Continue</button></form></body></html>`;

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString();
}

function send(res, status, body, type = 'text/html; charset=utf-8') {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

async function grantFor(details, accountId) {
  const { params, grantId } = details;
  const grant = grantId ? await provider.Grant.find(grantId) : new provider.Grant({ accountId, clientId: params.client_id });
  grant.addOIDCScope(String(params.scope || 'openid'));
  return grant.save();
}

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return send(res, 400, 'wrong interaction');
  if (details.prompt.name === 'consent') { // the company's own app: consent is implied
    return provider.interactionFinished(req, res, { consent: { grantId: await grantFor(details, details.session.accountId) } });
  }
  if (action !== 'login') return send(res, 200, loginPage(uid));
  const form = new URLSearchParams(await readBody(req));
  const account = byEmail(form.get('login'));
  if (!account || form.get('password') !== PASSWORD) return send(res, 200, loginPage(uid, 'Wrong e-mail or password.'));
  if (account.disabled) { // the account is gone: the provider refuses and says so to the client
    return provider.interactionFinished(req, res, {
      error: 'access_denied', error_description: 'This account has been disabled.',
    }, { mergeWithLastSubmission: false });
  }
  const grantId = await grantFor(details, account.sub);
  return provider.interactionFinished(req, res, { login: { accountId: account.sub }, consent: { grantId } });
}

// A JWT with any claims, signed with the provider's own key: tests check that hub refuses a
// well-signed logout token whose claims are wrong.
const b64 = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
function signClaims(claims) {
  const input = `${b64({ alg: 'RS256', kid: jwk.kid, typ: 'logout+jwt' })}.${b64(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
}

// Test-only controls (this provider exists for tests): disable an account, send the logout
// token the provider sends when an account is removed, sign arbitrary claims.
async function control(req, res, path) {
  const data = JSON.parse((await readBody(req)) || '{}');
  if (path === '/test/sign') return send(res, 200, JSON.stringify({ jwt: signClaims(data) }), 'application/json');
  if (path === '/test/reset') { // every account enabled again (the provider outlives each test)
    for (const each of accounts.values()) each.disabled = false;
    return send(res, 200, '{}', 'application/json');
  }
  const account = byEmail(data.email);
  if (!account) return send(res, 404, '{"error":"no such account"}', 'application/json');
  if (path === '/test/disable') {
    account.disabled = true;
    return send(res, 200, '{}', 'application/json');
  }
  const client = await provider.Client.find(String(data.client_id));
  if (!client) return send(res, 404, '{"error":"no such client"}', 'application/json');
  await client.backchannelLogout(account.sub, sids.get(`${account.sub}|${client.clientId}`));
  return send(res, 200, '{}', 'application/json');
}

const callback = provider.callback();
const server = createServer((req, res) => {
  const url = new URL(req.url, issuer);
  const match = url.pathname.match(/^\/interaction\/([\w-]+)(?:\/(login))?$/);
  let work;
  if (match) work = interaction(req, res, match[1], req.method === 'POST' ? match[2] : undefined);
  else if (req.method === 'POST' && ['/test/disable', '/test/logout', '/test/sign', '/test/reset'].includes(url.pathname)) work = control(req, res, url.pathname);
  else return callback(req, res);
  return work.catch((err) => {
    console.error(err);
    if (!res.headersSent) send(res, 500, String(err.message || err), 'text/plain');
  });
});
server.listen(port, '127.0.0.1', () => {
  console.log(`READY ${issuer}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
