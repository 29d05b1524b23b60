//! Which nodes a run needs, and in what order.
use super::Graph;

/// For each node (by position), the positions of the nodes its links come from. Links to
/// missing nodes are left out (validation reports them).
pub(crate) fn dependencies(graph: &Graph) -> Vec<Vec<usize>> {
    graph
        .nodes()
        .iter()
        .map(|node| {
            node.links()
                .filter_map(|(_, link)| graph.position(&link.node))
                .collect()
        })
        .collect()
}

/// The targets and everything they depend on, dependencies first: a depth-first post-order
/// from each target in turn, so the order is the same on every run. `deps` must be acyclic.
pub(crate) fn execution_order(deps: &[Vec<usize>], targets: &[usize]) -> Vec<usize> {
    let mut visited = vec![false; deps.len()];
    let mut order = Vec::new();
    // (node, index of the next dependency to visit); iterative so deep graphs cannot
    // overflow the stack.
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for &target in targets {
        if visited[target] {
            continue;
        }
        visited[target] = true;
        stack.push((target, 0));
        while let Some(top) = stack.last_mut() {
            let (node, next) = *top;
            match deps[node].get(next) {
                Some(&dep) => {
                    top.1 += 1;
                    if !visited[dep] {
                        visited[dep] = true;
                        stack.push((dep, 0));
                    }
                }
                None => {
                    order.push(node);
                    stack.pop();
                }
            }
        }
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dependencies_come_first_and_only_needed_nodes_run() {
        // 0 <- 1 <- 3, 2 <- 3, 4 unused
        let deps = vec![vec![], vec![0], vec![], vec![1, 2], vec![0]];
        assert_eq!(execution_order(&deps, &[3]), vec![0, 1, 2, 3]);
        // A value used twice is computed once.
        assert_eq!(execution_order(&deps, &[3, 4]), vec![0, 1, 2, 3, 4]);
    }

    #[test]
    fn a_long_chain_does_not_overflow() {
        let n = 100_000;
        let deps: Vec<Vec<usize>> = (0..n).map(|i| if i == 0 { vec![] } else { vec![i - 1] }).collect();
        let order = execution_order(&deps, &[n - 1]);
        assert_eq!(order.len(), n);
        assert!(order.windows(2).all(|w| w[0] < w[1]));
    }
}
