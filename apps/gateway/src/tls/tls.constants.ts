/** Injection token of the gateway's TLS material (`GatewayTls`), or null without `http.tls`. */
export const GATEWAY_TLS = Symbol('GATEWAY_TLS');
