// The core's TimeZoneRules over Foundation's TimeZone: offsets and daylight saving come from
// the OS's tz database (updated with iOS), so the native library carries none.
import Foundation

/// `TimeZoneRules` for a Foundation `TimeZone`. `TimeZone` is a value type and thread-safe;
/// the core calls this from its worker threads while it plans.
public final class FoundationTimeZoneRules: TimeZoneRules {
    public let zone: TimeZone

    public init(_ zone: TimeZone) {
        self.zone = zone
    }

    public func id() -> String {
        zone.identifier
    }

    public func offsetSecondsAt(utc: Date) -> Int32 {
        Int32(zone.secondsFromGMT(for: utc))
    }

    /// The offsets `local` (`YYYY-MM-DDTHH:MM:SS`) can have: every offset in force within a
    /// day of it is a candidate, kept when the instant it gives has that offset. None in a
    /// gap, two in a fold, the larger (the earlier instant) first.
    public func offsetsSecondsForLocal(local: String) -> [Int32] {
        guard let wall = Self.wallClockAsUTC(local) else { return [] }
        let candidates = Set([-86_400.0, -3_600, 0, 3_600, 86_400].map {
            zone.secondsFromGMT(for: wall.addingTimeInterval($0))
        })
        let valid = candidates.filter { offset in
            zone.secondsFromGMT(for: wall.addingTimeInterval(-Double(offset))) == offset
        }
        return valid.sorted(by: >).map { Int32($0) }
    }

    /// The wall-clock time read as if it were UTC.
    static func wallClockAsUTC(_ s: String) -> Date? {
        let parts = s.split(whereSeparator: { $0 == "-" || $0 == "T" || $0 == ":" }).compactMap { Int($0) }
        guard parts.count == 6 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        let components = DateComponents(
            year: parts[0], month: parts[1], day: parts[2],
            hour: parts[3], minute: parts[4], second: parts[5]
        )
        return calendar.date(from: components)
    }
}
