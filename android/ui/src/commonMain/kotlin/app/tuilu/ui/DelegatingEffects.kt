package app.tuilu.ui

import app.tuilu.core.uniffi.EventRecord
import app.tuilu.core.uniffi.PlatformStateRecord
import app.tuilu.core.uniffi.UpdateRecord

/**
 * Effects that outlive an Android Activity: the controller (in a ViewModel) keeps this
 * object, and each new Activity sets [target] to itself after a rotation.
 */
class DelegatingEffects : PlatformEffects {
    var target: PlatformEffects? = null
    private fun t() = checkNotNull(target) { "no activity attached" }

    override suspend fun pickMedia(): List<PickedFile> = t().pickMedia()
    override suspend fun takePhoto(): PickedFile? = t().takePhoto()
    override fun shareFile(path: String, mediaType: String) = t().shareFile(path, mediaType)
    override fun platformState(inForeground: Boolean): PlatformStateRecord = t().platformState(inForeground)
    override fun performEffects(update: UpdateRecord): List<EventRecord> = t().performEffects(update)
    override fun openSettings(page: SettingsPage) = t().openSettings(page)
    override fun requestNotifications() = t().requestNotifications()
    override fun exportPath(name: String): String = t().exportPath(name)
    override fun copyText(label: String, text: String) = t().copyText(label, text)
    override fun shareText(title: String, text: String) = t().shareText(title, text)
    override suspend fun createDocument(suggestedName: String, mimeType: String): SaveTarget? = t().createDocument(suggestedName, mimeType)
    override suspend fun openDocument(mimeType: String): PickedFile? = t().openDocument(mimeType)
    override fun printHtml(jobName: String, html: String) = t().printHtml(jobName, html)
    override fun onUnmeteredNetwork(): Boolean = target?.onUnmeteredNetwork() ?: false
}
