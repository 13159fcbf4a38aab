// Full-canvas quad: the mask canvas itself is placed on the picture's content rectangle.
out vec2 vUv;
void main() {
  vUv = uv;
  gl_Position = vec4(position.xy, 0.0, 1.0);
}
