/// Hears how far long work has come: `done` of `total`, in the unit the caller documents (a
/// source's bytes read, a sink's rows written), for a progress line.
public typealias ProgressObserver = (_ done: Int, _ total: Int) -> Void
