//! The forward pass of a BERT encoder (all-MiniLM-L6-v2: 6 layers, 384
//! wide, 12 heads) from its `model.safetensors`, then mean pooling and L2
//! normalisation, as sentence-transformers computes the sentence vector.
//! A batch of sentences runs as one matrix: each dense layer is one matrix
//! multiply over every token of the batch, which keeps the multiply's kernel
//! busy where one short sentence would not. Shorter sentences are padded to
//! the longest; attention and pooling read only each sentence's own tokens,
//! so padding changes no vector.

use ndarray::{Array1, Array2, ArrayView2, Axis, Slice};
use safetensors::{Dtype, SafeTensors};

use crate::EmbedError;

/// The model's shape, read from its `config.json`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Shape {
    pub hidden: usize,
    pub heads: usize,
    pub layers: usize,
    pub eps: f32,
}

struct Linear {
    /// `[out, in]`, as PyTorch stores it.
    w: Array2<f32>,
    b: Array1<f32>,
}

impl Linear {
    fn apply(&self, x: &ArrayView2<'_, f32>) -> Array2<f32> {
        x.dot(&self.w.t()) + &self.b
    }
}

struct Norm {
    w: Array1<f32>,
    b: Array1<f32>,
}

struct Layer {
    q: Linear,
    k: Linear,
    v: Linear,
    attn_out: Linear,
    attn_norm: Norm,
    inter: Linear,
    out: Linear,
    out_norm: Norm,
}

pub(crate) struct Bert {
    shape: Shape,
    words: Array2<f32>,
    positions: Array2<f32>,
    token_type: Array1<f32>,
    emb_norm: Norm,
    layers: Vec<Layer>,
}

struct Weights<'a> {
    st: SafeTensors<'a>,
    path: &'a str,
}

impl Weights<'_> {
    fn bad(&self, reason: String) -> EmbedError {
        EmbedError::BadModel {
            path: self.path.to_string(),
            reason,
        }
    }

    fn raw(&self, name: &str) -> Result<(Vec<usize>, Vec<f32>), EmbedError> {
        // Some exports keep the `bert.` prefix of a model with a head.
        let t = self
            .st
            .tensor(name)
            .or_else(|_| self.st.tensor(&format!("bert.{name}")))
            .map_err(|_| self.bad(format!("no tensor `{name}`")))?;
        if t.dtype() != Dtype::F32 {
            return Err(self.bad(format!("tensor `{name}` is not f32")));
        }
        let data = t
            .data()
            .chunks_exact(4)
            .filter_map(|b| <[u8; 4]>::try_from(b).ok())
            .map(f32::from_le_bytes)
            .collect();
        Ok((t.shape().to_vec(), data))
    }

    fn matrix(&self, name: &str, rows: usize, cols: usize) -> Result<Array2<f32>, EmbedError> {
        let (shape, data) = self.raw(name)?;
        if shape != [rows, cols] {
            return Err(self.bad(format!(
                "tensor `{name}` is {shape:?}, not [{rows}, {cols}]"
            )));
        }
        Array2::from_shape_vec((rows, cols), data).map_err(|e| self.bad(e.to_string()))
    }

    fn vector(&self, name: &str, len: usize) -> Result<Array1<f32>, EmbedError> {
        let (shape, data) = self.raw(name)?;
        if shape != [len] {
            return Err(self.bad(format!("tensor `{name}` is {shape:?}, not [{len}]")));
        }
        Ok(Array1::from(data))
    }

    fn linear(&self, name: &str, out: usize, inp: usize) -> Result<Linear, EmbedError> {
        Ok(Linear {
            w: self.matrix(&format!("{name}.weight"), out, inp)?,
            b: self.vector(&format!("{name}.bias"), out)?,
        })
    }

    fn norm(&self, name: &str, len: usize) -> Result<Norm, EmbedError> {
        Ok(Norm {
            w: self.vector(&format!("{name}.weight"), len)?,
            b: self.vector(&format!("{name}.bias"), len)?,
        })
    }
}

impl Bert {
    pub(crate) fn load(
        bytes: &[u8],
        shape: Shape,
        vocab: usize,
        positions: usize,
        intermediate: usize,
        path: &str,
    ) -> Result<Self, EmbedError> {
        let st = SafeTensors::deserialize(bytes).map_err(|e| EmbedError::BadModel {
            path: path.to_string(),
            reason: e.to_string(),
        })?;
        let w = Weights { st, path };
        let h = shape.hidden;
        if shape.heads == 0 || !h.is_multiple_of(shape.heads) {
            return Err(w.bad(format!("{h} is not divisible into {} heads", shape.heads)));
        }
        let types = w.matrix("embeddings.token_type_embeddings.weight", 2, h)?;
        let mut layers = Vec::with_capacity(shape.layers);
        for i in 0..shape.layers {
            let p = format!("encoder.layer.{i}");
            layers.push(Layer {
                q: w.linear(&format!("{p}.attention.self.query"), h, h)?,
                k: w.linear(&format!("{p}.attention.self.key"), h, h)?,
                v: w.linear(&format!("{p}.attention.self.value"), h, h)?,
                attn_out: w.linear(&format!("{p}.attention.output.dense"), h, h)?,
                attn_norm: w.norm(&format!("{p}.attention.output.LayerNorm"), h)?,
                inter: w.linear(&format!("{p}.intermediate.dense"), intermediate, h)?,
                out: w.linear(&format!("{p}.output.dense"), h, intermediate)?,
                out_norm: w.norm(&format!("{p}.output.LayerNorm"), h)?,
            });
        }
        Ok(Self {
            shape,
            words: w.matrix("embeddings.word_embeddings.weight", vocab, h)?,
            positions: w.matrix("embeddings.position_embeddings.weight", positions, h)?,
            token_type: types.row(0).to_owned(),
            emb_norm: w.norm("embeddings.LayerNorm", h)?,
            layers,
        })
    }

    /// The unit-length vector of each sentence's token ids (`[CLS] … [SEP]`).
    pub(crate) fn embed_batch(&self, batch: &[Vec<u32>]) -> Vec<Vec<f32>> {
        let h = self.shape.hidden;
        let lens: Vec<usize> = batch
            .iter()
            .map(|ids| ids.len().min(self.positions.nrows()))
            .collect();
        let len = lens.iter().copied().max().unwrap_or(0);
        if len == 0 {
            return vec![vec![0.0; h]; batch.len()];
        }
        let mut x = Array2::<f32>::zeros((batch.len() * len, h));
        for (i, mut row) in x.rows_mut().into_iter().enumerate() {
            let (s, t) = (i / len, i % len);
            let id = lens
                .get(s)
                .filter(|n| t < **n)
                .and_then(|_| batch.get(s)?.get(t));
            // A padding row stays zero: nothing reads it but itself.
            let Some(id) = id else { continue };
            let word = usize::try_from(*id)
                .ok()
                .filter(|i| *i < self.words.nrows())
                .map(|i| self.words.row(i));
            if let Some(word) = word {
                row += &word;
            }
            row += &self.positions.row(t);
            row += &self.token_type;
        }
        layer_norm(&mut x, &self.emb_norm, self.shape.eps);
        for layer in &self.layers {
            x = self.layer(layer, x, &lens, len);
        }
        lens.iter()
            .enumerate()
            .map(|(s, n)| {
                let rows = x.slice_axis(Axis(0), Slice::from(s * len..s * len + n));
                let mut pooled = rows.mean_axis(Axis(0)).unwrap_or_else(|| Array1::zeros(h));
                let norm = pooled.dot(&pooled).sqrt().max(1e-12);
                pooled /= norm;
                pooled.to_vec()
            })
            .collect()
    }

    /// One encoder layer over a batch of `lens.len()` sentences, each `len`
    /// rows of `x` of which the first `lens[s]` are tokens.
    fn layer(&self, l: &Layer, x: Array2<f32>, lens: &[usize], len: usize) -> Array2<f32> {
        let heads = self.shape.heads;
        let d = self.shape.hidden / heads;
        let xv = x.view();
        let (q, k, v) = (l.q.apply(&xv), l.k.apply(&xv), l.v.apply(&xv));
        let scale = 1.0 / (d as f32).sqrt();
        let mut context = Array2::<f32>::zeros(x.raw_dim());
        for (s, n) in lens.iter().enumerate() {
            // Only the sentence's own tokens attend and are attended to,
            // which is what BERT's attention mask does to padding.
            let rows = Slice::from(s * len..s * len + n);
            for head in 0..heads {
                let cols = Slice::from(head * d..(head + 1) * d);
                let part = |m: &Array2<f32>| {
                    m.slice_axis(Axis(0), rows)
                        .slice_axis(Axis(1), cols)
                        .to_owned()
                };
                let (qh, kh, vh) = (part(&q), part(&k), part(&v));
                let mut scores = qh.dot(&kh.t()) * scale;
                for mut row in scores.rows_mut() {
                    let max = row.fold(f32::NEG_INFINITY, |a, b| a.max(*b));
                    row.mapv_inplace(|s| (s - max).exp());
                    let sum = row.sum();
                    row /= sum;
                }
                context
                    .slice_axis_mut(Axis(0), rows)
                    .slice_axis_mut(Axis(1), cols)
                    .assign(&scores.dot(&vh));
            }
        }
        let mut a = l.attn_out.apply(&context.view()) + &x;
        layer_norm(&mut a, &l.attn_norm, self.shape.eps);
        let mut inner = l.inter.apply(&a.view());
        inner.mapv_inplace(gelu);
        let mut out = l.out.apply(&inner.view()) + &a;
        layer_norm(&mut out, &l.out_norm, self.shape.eps);
        out
    }
}

fn layer_norm(x: &mut Array2<f32>, n: &Norm, eps: f32) {
    for mut row in x.rows_mut() {
        let len = row.len().max(1) as f32;
        let mean = row.sum() / len;
        let var = row.fold(0.0, |a, v| a + (v - mean) * (v - mean)) / len;
        let inv = 1.0 / (var + eps).sqrt();
        row.mapv_inplace(|v| (v - mean) * inv);
        row *= &n.w;
        row += &n.b;
    }
}

/// BERT's exact GELU, `x Φ(x)`.
fn gelu(x: f32) -> f32 {
    0.5 * x * (1.0 + erf(f64::from(x) / std::f64::consts::SQRT_2) as f32)
}

/// The error function to about 1e-7 (Abramowitz and Stegun 7.1.26 is
/// 1.5e-7), well inside what an f32 activation carries.
fn erf(x: f64) -> f64 {
    let sign = if x < 0.0 { -1.0 } else { 1.0 };
    let x = x.abs();
    let t = 1.0 / (1.0 + 0.327_591_1 * x);
    let poly = t
        * (0.254_829_592
            + t * (-0.284_496_736
                + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    sign * (1.0 - poly * (-x * x).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erf_matches_known_values() {
        for (x, want) in [
            (0.0, 0.0),
            (0.5, 0.520_499_877_8),
            (1.0, 0.842_700_792_9),
            (-2.0, -0.995_322_265),
        ] {
            assert!((erf(x) - want).abs() < 2e-7, "erf({x})");
        }
    }
}
