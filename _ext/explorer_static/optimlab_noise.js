/* Noisy gradients as optimlab.functions.noisy makes them: grad(x) + scale * ξ, with ξ drawn by
   numpy's default_rng(seed).standard_normal, reproduced here: SeedSequence, the PCG64 generator
   and numpy's 256-box ziggurat for the normal distribution (its tables computed below by
   Marsaglia and Tsang's recipe with numpy's constants). tests/explorer checks the draws against
   numpy's and noisy runs against optimlab.run. */
(function (root) {
  "use strict";
  var M32 = 0xffffffff, M64 = (1n << 64n) - 1n, M128 = (1n << 128n) - 1n;
  function mul32(a, b) { return Math.imul(a, b) >>> 0; }

  // numpy.random.SeedSequence(seed).generate_state(4, uint64), for an integer seed >= 0
  function seedState(seed) {
    var entropy = [], big = BigInt(seed);
    do { entropy.push(Number(big & 0xffffffffn)); big >>= 32n; } while (big > 0n);
    var hashConst = 0x43b0d7e5, pool = [0, 0, 0, 0];
    function hashmix(value) {
      value = (value ^ hashConst) >>> 0;
      hashConst = mul32(hashConst, 0x931e8875);
      value = mul32(value, hashConst);
      return (value ^ (value >>> 16)) >>> 0;
    }
    function mix(x, y) {
      var r = (mul32(0xca01f9dd, x) - mul32(0x4973f715, y)) >>> 0;
      return (r ^ (r >>> 16)) >>> 0;
    }
    for (var i = 0; i < 4; i++) pool[i] = hashmix(i < entropy.length ? entropy[i] : 0);
    for (var s = 0; s < 4; s++) for (var d = 0; d < 4; d++) if (s !== d) pool[d] = mix(pool[d], hashmix(pool[s]));
    for (var extra = 4; extra < entropy.length; extra++) {
      for (var d2 = 0; d2 < 4; d2++) pool[d2] = mix(pool[d2], hashmix(entropy[extra]));
    }
    var words = [], h = 0x8b51f9dd;
    for (var k = 0; k < 8; k++) {
      var v = (pool[k % 4] ^ h) >>> 0;
      h = mul32(h, 0x58f38ded);
      v = mul32(v, h);
      words.push((v ^ (v >>> 16)) >>> 0);
    }
    var out = [];
    for (var w = 0; w < 4; w++) out.push(BigInt(words[2 * w]) | (BigInt(words[2 * w + 1]) << 32n));
    return out;
  }

  var MULT = (2549297995355413924n << 64n) + 4865540595714422341n;
  function PCG64(seed) {
    var v = seedState(seed), initstate = (v[0] << 64n) | v[1], initseq = (v[2] << 64n) | v[3];
    this.inc = ((initseq << 1n) | 1n) & M128;
    this.state = 0n;
    this.step();
    this.state = (this.state + initstate) & M128;
    this.step();
  }
  PCG64.prototype.step = function () { this.state = (this.state * MULT + this.inc) & M128; };
  PCG64.prototype.next64 = function () {
    this.step();
    var s = this.state, x = ((s >> 64n) ^ s) & M64, rot = s >> 122n;
    return ((x >> rot) | (x << ((64n - rot) & 63n))) & M64;
  };
  PCG64.prototype.nextDouble = function () { return Number(this.next64() >> 11n) / 9007199254740992; };

  // The ziggurat's tables: 256 boxes, the tail from R (numpy's constant), each box of area
  // V = R f(R) + ∫_R^∞ f, f(x) = exp(-x²/2) (to double precision; the draws then agree with
  // numpy's to a few units in the last place, and every accept/reject decision with them).
  var R = 3.6541528853610087963519472518, V = 0.004928673233974658, TWO52 = 4503599627370496;
  var ki = new Array(256), wi = new Array(256), fi = new Array(256);
  (function () {
    var dn = R, tn = dn, q = V / Math.exp(-0.5 * dn * dn);
    ki[0] = Math.floor((dn / q) * TWO52); ki[1] = 0;
    wi[0] = q / TWO52; wi[255] = dn / TWO52;
    fi[0] = 1; fi[255] = Math.exp(-0.5 * dn * dn);
    for (var i = 254; i >= 1; i--) {
      dn = Math.sqrt(-2 * Math.log(V / dn + Math.exp(-0.5 * dn * dn)));
      ki[i + 1] = Math.floor((dn / tn) * TWO52);
      tn = dn;
      fi[i] = Math.exp(-0.5 * dn * dn);
      wi[i] = dn / TWO52;
    }
  })();

  PCG64.prototype.normal = function () {
    for (;;) {
      var r = this.next64(), idx = Number(r & 0xffn);
      r >>= 8n;
      var sign = Number(r & 1n), rabs = Number((r >> 1n) & 0x000fffffffffffffn);
      var x = rabs * wi[idx];
      if (sign) x = -x;
      if (rabs < ki[idx]) return x;
      if (idx === 0) {
        for (;;) {
          var xx = -(1 / R) * Math.log1p(-this.nextDouble());
          var yy = -Math.log1p(-this.nextDouble());
          if (yy + yy > xx * xx) return ((rabs >> 8) & 1) ? -(R + xx) : R + xx;
        }
      }
      if ((fi[idx - 1] - fi[idx]) * this.nextDouble() + fi[idx] < Math.exp(-0.5 * x * x)) return x;
    }
  };

  // The draws of one seed, kept: every run (and every slider move) reuses the same stream.
  var streams = {};
  function normals(seed, count) {
    var s = streams[seed] || (streams[seed] = { rng: new PCG64(seed), values: [] });
    while (s.values.length < count) s.values.push(s.rng.normal());
    return s.values;
  }
  function noisy(grad, scale, seed) {
    var calls = 0;
    return function (x) {
      var g = grad(x), xi = normals(seed, 2 * calls + 2), k = 2 * calls++;
      return [g[0] + scale * xi[k], g[1] + scale * xi[k + 1]];
    };
  }
  var api = { noisy: noisy, normals: normals, PCG64: PCG64, seedState: seedState };
  root.optimlabNoise = api;
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(typeof window !== "undefined" ? window : globalThis);
