// Types for simple-peer's prebuilt browser bundle, which the web apps import (and inject into
// createSimplePeerLink) instead of `simple-peer`, whose sources need Node's stream and Buffer.
// The bundle's UMD wrapper sets `module.exports` to the same constructor as `simple-peer`'s.
declare module 'simple-peer/simplepeer.min.js' {
  import SimplePeer from 'simple-peer';
  export default SimplePeer;
}
