/// A fixed-size buffer of trivial values addressed in place: the storage of the pool's flat
/// structures (slot metadata, hash table, eviction heap).
///
/// Why not `Array`: every write through an array in the pool's state pays a uniqueness check (and
/// a retain / release around closures), which showed as several percent of the allocate /
/// register / match cycle. These structures never grow past their size at `init` or get shared,
/// so copy-on-write buys nothing. Indices come from the pool's own structures or from handles
/// whose range `check` has verified; `assert` catches a bad one in debug builds.
struct FixedBuffer<Element: BitwiseCopyable>: ~Copyable {
    /// The storage, for closures that must read it while another part of the pool is mutated.
    let base: UnsafeMutablePointer<Element>
    let count: Int

    init(repeating value: Element, count: Int) {
        self.count = count
        base = .allocate(capacity: max(1, count))
        base.initialize(repeating: value, count: count)
    }

    deinit {
        base.deallocate()
    }

    subscript(index: Int) -> Element {
        @inline(__always)
        unsafeAddress {
            assert(index >= 0 && index < count, "index out of range")
            return UnsafePointer(base + index)
        }
        @inline(__always)
        unsafeMutableAddress {
            assert(index >= 0 && index < count, "index out of range")
            return base + index
        }
    }
}

/// The pool's slot metadata.
typealias SlotArray = FixedBuffer<BlockSlot>
