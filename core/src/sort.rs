//! One stable sort for the whole crate.
//!
//! `slice::sort_by` and friends compile a full driftsort (about 5 KB with `opt-level = "z"`)
//! for every element type and every comparator closure. The core sorted in some twenty
//! places, which cost the phone library about 160 KB of sort code. These helpers sort a list
//! of indices with one comparator type (`&mut dyn FnMut`), so the std sort is compiled once,
//! then move the elements into place with swaps; only that small loop is generic.
//!
//! The result is the std stable sort's: equal elements keep their order. The lists sorted
//! here are short (a case's steps, a vault's cases, an export's files), so the extra index
//! vector and the dynamic call per comparison cost nothing a user can notice.

use std::cmp::Ordering;

/// Sorts `v` by `cmp`, stably (like `slice::sort_by`).
pub(crate) fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let swaps = {
        let items: &[T] = v;
        swaps_for(items.len(), &mut |a, b| cmp(&items[a], &items[b]))
    };
    for (a, b) in swaps {
        v.swap(a, b);
    }
}

/// Sorts `v` by the key `f` gives, stably (like `slice::sort_by_key`).
pub(crate) fn sort_by_key<T, K: Ord>(v: &mut [T], mut f: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| f(a).cmp(&f(b)));
}

/// Sorts `v` in its natural order, stably (like `slice::sort`).
pub(crate) fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// Collects `items` into a map or set by inserting them in turn: the same result as
/// `collect()` (of two equal keys, the later value is kept). `BTreeMap`/`BTreeSet::from_iter`
/// sort the items first, which compiles a driftsort for every iterator type they are
/// collected from (about 3.5 KB each in the phone library).
pub(crate) fn collect_sorted<C: Default + Extend<T>, T>(items: impl IntoIterator<Item = T>) -> C {
    let mut out = C::default();
    out.extend(items);
    out
}

/// The swaps that put `n` items in the order `cmp` (over their indices) gives.
fn swaps_for(n: usize, cmp: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<(usize, usize)> {
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| cmp(a, b));
    // dest[k]: where the item now at k belongs.
    let mut dest = vec![0; n];
    for (to, &from) in order.iter().enumerate() {
        dest[from] = to;
    }
    let mut swaps = Vec::new();
    for i in 0..n {
        while dest[i] != i {
            let j = dest[i];
            swaps.push((i, j));
            dest.swap(i, j);
        }
    }
    swaps
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_std_stable_sort() {
        // Pairs sorted by their first half only: the second half shows stability.
        let mut seed = 7u32;
        for len in 0..40 {
            let mut v: Vec<(u8, u32)> = (0..len)
                .map(|i| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    (((seed >> 16) % 5) as u8, i)
                })
                .collect();
            let mut expected = v.clone();
            expected.sort_by_key(|p| p.0);
            sort_by_key(&mut v, |p| p.0);
            assert_eq!(v, expected);
        }
    }

    #[test]
    fn sorts_owned_values_without_losing_any() {
        let mut v: Vec<String> = ["c", "a", "d", "b", "a"].map(String::from).to_vec();
        sort(&mut v);
        assert_eq!(v, ["a", "a", "b", "c", "d"]);
        let mut w = vec![3.5f64, -1.0, 2.0];
        sort_by(&mut w, |a, b| a.total_cmp(b));
        assert_eq!(w, [-1.0, 2.0, 3.5]);
    }
}
