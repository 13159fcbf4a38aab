// Full-screen quad scaled to the letterboxed video rectangle (uScale in clip space).
uniform vec2 uScale;
out vec2 vUv;
void main() {
  vUv = uv;
  gl_Position = vec4(position.xy * uScale, 0.0, 1.0);
}
