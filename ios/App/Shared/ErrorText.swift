import Foundation
import TuiluCore

/// The text of any error the core or the system throws.
func message(for error: Error) -> String {
    if let e = error as? AppError { return e.userMessage }
    return error.localizedDescription
}
