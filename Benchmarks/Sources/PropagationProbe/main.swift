// Issue 4's numbers: the original's phase-6 tick, one-hop propagation, graph checks and order,
// incremental semiring propagation, and parallel apply.
//
//     cd Benchmarks && swift run -c release PropagationProbe [runs]
//
// Every figure is the median of `runs` (default 5) measurements; setup (pages, edges, batches) is
// outside the timed regions.

import BenchmarkSupport
import Foundation
import MMSB

let runs = CommandLine.arguments.count > 1 ? max(1, Int(CommandLine.arguments[1]) ?? 5) : 5
let only = CommandLine.arguments.count > 2 ? CommandLine.arguments[2] : nil

func report(_ name: String, _ text: String) { print(name.padding(toLength: 44, withPad: " ", startingAt: 0) + text) }

if only == nil || only == "tick" { try phaseSixTick() }
if only == nil || only == "hop" { try oneHop() }
if only == nil || only == "graph" { graphChecks() }
if only == nil || only == "sssp" { try shortestPaths() }
if only == nil || only == "parallel" { try parallelApply() }
