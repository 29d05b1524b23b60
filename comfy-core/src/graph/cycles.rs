//! Finding the loops in a graph (Tarjan's strongly connected components, iteratively).

/// Every set of nodes that depend on each other in a loop, each sorted, in order of their
/// first node. A node linked to itself is a loop of one.
pub(crate) fn cycles(deps: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let mut t = Tarjan::new(deps.len());
    for root in 0..deps.len() {
        if t.index[root] == UNVISITED {
            t.visit_from(deps, root);
        }
    }
    t.cycles.sort();
    t.cycles
}

const UNVISITED: usize = usize::MAX;

struct Tarjan {
    index: Vec<usize>,
    low: Vec<usize>,
    on_stack: Vec<bool>,
    stack: Vec<usize>,
    next: usize,
    cycles: Vec<Vec<usize>>,
}

impl Tarjan {
    fn new(n: usize) -> Self {
        Tarjan {
            index: vec![UNVISITED; n],
            low: vec![0; n],
            on_stack: vec![false; n],
            stack: Vec::new(),
            next: 0,
            cycles: Vec::new(),
        }
    }

    fn enter(&mut self, v: usize) {
        self.index[v] = self.next;
        self.low[v] = self.next;
        self.next += 1;
        self.stack.push(v);
        self.on_stack[v] = true;
    }

    /// The recursive algorithm with an explicit call stack of (node, next edge).
    fn visit_from(&mut self, deps: &[Vec<usize>], root: usize) {
        let mut calls = vec![(root, 0usize)];
        self.enter(root);
        while let Some(&(v, edge)) = calls.last() {
            if let Some(&w) = deps[v].get(edge) {
                if let Some(top) = calls.last_mut() {
                    top.1 += 1;
                }
                if self.index[w] == UNVISITED {
                    self.enter(w);
                    calls.push((w, 0));
                } else if self.on_stack[w] {
                    self.low[v] = self.low[v].min(self.index[w]);
                }
                continue;
            }
            calls.pop();
            if let Some(&(parent, _)) = calls.last() {
                self.low[parent] = self.low[parent].min(self.low[v]);
            }
            if self.low[v] == self.index[v] {
                self.pop_component(deps, v);
            }
        }
    }

    fn pop_component(&mut self, deps: &[Vec<usize>], root: usize) {
        let mut component = Vec::new();
        while let Some(w) = self.stack.pop() {
            self.on_stack[w] = false;
            component.push(w);
            if w == root {
                break;
            }
        }
        if component.len() > 1 || deps[root].contains(&root) {
            component.sort_unstable();
            self.cycles.push(component);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_each_loop_once() {
        // 0 -> 1 -> 2 -> 0 is a loop; 3 depends on it but is not on it; 4 loops on itself.
        let deps = vec![vec![1], vec![2], vec![0], vec![0], vec![4]];
        assert_eq!(cycles(&deps), vec![vec![0, 1, 2], vec![4]]);
    }

    #[test]
    fn a_dag_has_none() {
        let deps = vec![vec![], vec![0], vec![0, 1]];
        assert!(cycles(&deps).is_empty());
    }

    #[test]
    fn a_long_loop_does_not_overflow() {
        let n = 50_000;
        let deps: Vec<Vec<usize>> = (0..n).map(|i| vec![(i + 1) % n]).collect();
        assert_eq!(cycles(&deps)[0].len(), n);
    }
}
