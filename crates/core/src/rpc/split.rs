//! How a model's layers are spread over this machine and its RPC workers.
//!
//! llama.cpp places the last `n_gpu_layers` of the `n_layer + 1` layers (the repeating blocks,
//! then the output layer) on the model's devices, cut by the cumulative `tensor_split` shares, and
//! the rest on the CPU (`llama_model::load_tensors`, llama-model.cpp). On a host without a GPU,
//! the host keeps the first layers and the workers take the rest, the output layer on the last
//! worker; with local GPUs, the workers come first and the local GPUs last, as llama.cpp orders
//! RPC devices by default.
use gpt4all_llama_sys as sys;

/// Which repeating layers (transformer blocks) one place holds: `count` of them from `first`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LayerRange {
    pub first: u32,
    pub count: u32,
}

/// The llama.cpp parameters of a spread model, and where its layers end up.
pub(crate) struct Plan {
    /// `llama_model_params.devices` (without the terminating NULL).
    pub devices: Vec<sys::ggml_backend_dev_t>,
    /// `llama_model_params.tensor_split`, one share per device.
    pub tensor_split: Vec<f32>,
    /// `llama_model_params.n_gpu_layers`.
    pub gpu_layers: i32,
    /// The layers this machine holds (on its CPU, or its GPUs).
    pub local: LayerRange,
    /// The layers each worker holds, in the order given.
    pub workers: Vec<LayerRange>,
}

/// Plans a model of `n_layer` blocks over this machine (its CPU, or `local_gpus` when there are
/// any) and workers with `worker_devices[i]` devices each. `shares` has one non-negative weight
/// for this machine, then one per worker (not all zero). Each place gets a whole number of blocks
/// in proportion to its share (largest remainders); a worker's blocks are divided evenly over
/// its devices.
pub(crate) fn plan(
    n_layer: u32,
    shares: &[f64],
    local_gpus: &[sys::ggml_backend_dev_t],
    worker_devices: &[Vec<sys::ggml_backend_dev_t>],
) -> Plan {
    let counts = apportion(n_layer, shares);
    let mut devices = Vec::new();
    // Blocks per device, in device order; the last device also gets the output layer.
    let mut blocks = Vec::new();
    for (i, worker) in worker_devices.iter().enumerate() {
        let parts = apportion(counts[i + 1], &vec![1.0; worker.len()]);
        devices.extend_from_slice(worker);
        blocks.extend(parts);
    }
    let local_count = counts[0];
    let gpu_layers = if local_gpus.is_empty() {
        // The first `local_count` blocks stay on the CPU; llama.cpp offloads the rest and the output.
        if local_count == n_layer {
            0
        } else {
            n_layer + 1 - local_count
        }
    } else {
        devices.extend_from_slice(local_gpus);
        blocks.extend(apportion(local_count, &vec![1.0; local_gpus.len()]));
        n_layer + 1
    };
    // With these shares, llama.cpp's cut points fall exactly between the planned blocks: layer j
    // of the offloaded ones goes to the first device whose cumulative share exceeds
    // j / (offloaded + 1), and both sides are the same ratios of small integers.
    let mut tensor_split: Vec<f32> = blocks.iter().map(|&b| b as f32).collect();
    if let Some(last) = tensor_split.last_mut() {
        *last += 1.0;
    }

    let mut firsts = Vec::with_capacity(counts.len());
    let mut next = if local_gpus.is_empty() { local_count } else { 0 };
    let mut local = LayerRange { first: 0, count: local_count };
    for &count in &counts[1..] {
        firsts.push(LayerRange { first: next, count });
        next += count;
    }
    if !local_gpus.is_empty() {
        local.first = next;
    }
    Plan { devices, tensor_split, gpu_layers: gpu_layers as i32, local, workers: firsts }
}

/// `total` split in proportion to `weights` (not all 0) in whole numbers: the floors of the exact
/// quotas, then one more for the largest remainders (Hamilton's method), earlier ones first on ties.
fn apportion(total: u32, weights: &[f64]) -> Vec<u32> {
    let sum: f64 = weights.iter().sum();
    if weights.is_empty() || sum <= 0.0 {
        return vec![0; weights.len()];
    }
    let quotas: Vec<f64> = weights.iter().map(|w| total as f64 * w / sum).collect();
    let mut counts: Vec<u32> = quotas.iter().map(|q| q.floor() as u32).collect();
    let mut left = total.saturating_sub(counts.iter().sum());
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| (quotas[b] - quotas[b].floor()).total_cmp(&(quotas[a] - quotas[a].floor())).then(a.cmp(&b)));
    for &i in order.iter().cycle() {
        if left == 0 {
            break;
        }
        counts[i] += 1;
        left -= 1;
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fake(n: usize) -> Vec<sys::ggml_backend_dev_t> {
        (1..=n).map(|i| i as sys::ggml_backend_dev_t).collect()
    }

    /// Where llama.cpp puts each of the `n_layer` blocks, by its rule (llama-model.cpp,
    /// `load_tensors`): `None` for the CPU, else the device index.
    fn llama_placement(n_layer: u32, plan: &Plan) -> Vec<Option<usize>> {
        let sum: f32 = plan.tensor_split.iter().sum();
        let mut cumulative = 0f32;
        let splits: Vec<f32> = plan
            .tensor_split
            .iter()
            .map(|s| {
                cumulative += s;
                cumulative / sum
            })
            .collect();
        let start = (n_layer as i32 + 1 - plan.gpu_layers).max(0) as u32;
        let active = (plan.gpu_layers as u32).min(n_layer + 1);
        (0..n_layer)
            .map(|il| {
                if il < start || plan.devices.is_empty() {
                    return None;
                }
                let x = (il - start) as f32 / active as f32;
                Some(splits.iter().position(|&p| p > x).unwrap_or(splits.len() - 1))
            })
            .collect()
    }

    /// Checks, for workers of one device each, that every range is where llama.cpp puts the blocks.
    fn check(n_layer: u32, planned: &Plan) {
        let mut expected = vec![None; n_layer as usize];
        for (w, range) in planned.workers.iter().enumerate() {
            for l in range.first..range.first + range.count {
                expected[l as usize] = Some(w);
            }
        }
        assert_eq!(llama_placement(n_layer, planned), expected);
    }

    #[test]
    fn a_host_without_gpu_keeps_the_first_layers() {
        let p = plan(6, &[1.0, 1.0, 1.0], &[], &[fake(1), fake(1)]);
        assert_eq!(p.local, LayerRange { first: 0, count: 2 });
        assert_eq!(p.workers, [LayerRange { first: 2, count: 2 }, LayerRange { first: 4, count: 2 }]);
        assert_eq!(p.gpu_layers, 5); // 4 blocks and the output layer
        check(6, &p);
        let p = plan(22, &[1.0, 1.0, 1.0], &[], &[fake(1), fake(1)]);
        assert_eq!([p.local.count, p.workers[0].count, p.workers[1].count], [8, 7, 7]);
        check(22, &p);
        check(22, &plan(22, &[0.9999, 1.0001, 3.0], &[], &[fake(1), fake(1)]));
        check(80, &plan(80, &[3.0, 7.0, 11.0], &[], &[fake(1), fake(1)]));
    }

    #[test]
    fn shares_of_zero_leave_a_place_empty() {
        let p = plan(4, &[0.0, 1.0], &[], &[fake(1)]);
        assert_eq!(p.local.count, 0);
        assert_eq!(p.workers[0], LayerRange { first: 0, count: 4 });
        check(4, &p);
        let p = plan(4, &[1.0, 0.0], &[], &[fake(1)]);
        assert_eq!((p.local.count, p.gpu_layers), (4, 0));
        check(4, &p);
        let p = plan(6, &[1.0, 0.0, 1.0], &[], &[fake(1), fake(1)]);
        assert_eq!(p.workers, [LayerRange { first: 3, count: 0 }, LayerRange { first: 3, count: 3 }]);
        check(6, &p);
    }

    #[test]
    fn local_gpus_come_after_the_workers() {
        let p = plan(8, &[1.0, 1.0], &fake(1), &[fake(1)]);
        assert_eq!(p.devices.len(), 2);
        assert_eq!(p.workers[0], LayerRange { first: 0, count: 4 });
        assert_eq!(p.local, LayerRange { first: 4, count: 4 });
        assert_eq!(llama_placement(8, &p), [0, 0, 0, 0, 1, 1, 1, 1].map(Some));
    }

    #[test]
    fn apportions_whole_numbers() {
        assert_eq!(apportion(22, &[1.0, 1.0, 1.0]), [8, 7, 7]);
        assert_eq!(apportion(5, &[0.0, 1.0]), [0, 5]);
        assert_eq!(apportion(3, &[1.0, 2.0]), [1, 2]);
        assert_eq!(apportion(0, &[1.0]), [0]);
    }
}
